/** One ```ts block of a guide. */
export interface GuideBlock {
  /** The guide's file name without `.md`. */
  readonly guide: string;
  /** 1-based index among the guide's ts blocks. */
  readonly n: number;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  /** The code. */
  readonly code: string;
  /** False for blocks fenced as ```ts typecheck. */
  readonly run: boolean;
}

/** Every ```ts block of every guide in `guideDir`, guides sorted by file name. */
export function guideBlocks(guideDir: string): GuideBlock[];
