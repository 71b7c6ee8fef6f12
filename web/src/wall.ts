// The wall's layout: cells sized so the whole project fits the screen (every floor of every
// building, nothing cut off), buildings in one row or wrapped into more when that gives
// bigger cells.

export interface Shape { id: number; columns: number; floors: number }
/** inline: number and price on one line (a wide, low cell: many floors), else one above the other */
export interface WallLayout { rows: Shape[][]; cellWidth: number; cellHeight: number; fontSize: number; inline: boolean }

export const LABEL_WIDTH = 44;   // the floor numbers' column
export const BUILDING_HEAD = 40; // a building's name and totals
export const GAP = 12;           // between buildings, and around the screen

export function wallLayout(shapes: Shape[], width: number, height: number): WallLayout {
  let best: WallLayout = { rows: [shapes], cellWidth: 0, cellHeight: 0, fontSize: 12, inline: false };
  let bestScore = -1;
  const n = Math.max(1, shapes.length);
  for (let r = 1; r <= n; r++) {
    const per = Math.ceil(shapes.length / r);
    const rows: Shape[][] = [];
    for (let i = 0; i < shapes.length; i += per) rows.push(shapes.slice(i, i + per));
    if (!rows.length) rows.push([]);
    const cellWidth = Math.min(...rows.map((row) => {
      const columns = row.reduce((s, b) => s + Math.max(1, b.columns), 0) || 1;
      return (width - GAP - row.length * (LABEL_WIDTH + GAP)) / columns;
    }));
    const floors = rows.reduce((s, row) => s + Math.max(1, ...row.map((b) => b.floors)), 0);
    const cellHeight = (height - rows.length * (BUILDING_HEAD + GAP) - GAP) / floors;
    const score = Math.min(cellWidth / 2.4, cellHeight);  // a readable cell is about 2.4 times as wide as high
    if (score > bestScore) {
      bestScore = score;
      const w = Math.floor(Math.min(cellWidth, 320));
      const h = Math.floor(Math.min(cellHeight, 140));
      const inline = w >= 3.6 * h;  // "2601 402.1万" fits on one line at w / 8.5
      const font = inline ? Math.min(h * 0.6, w / 8.5) : Math.min(h * 0.4, w / 6);
      best = { rows, cellWidth: w, cellHeight: h, fontSize: Math.max(9, Math.min(40, Math.floor(font))), inline };
    }
  }
  return best;
}
