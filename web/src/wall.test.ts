import { describe, expect, it } from "vitest";
import { wallLayout, BUILDING_HEAD, GAP, LABEL_WIDTH } from "./wall";

describe("the wall's layout", () => {
  it("fits 30 floors of two buildings into 1920x984 without cutting a floor", () => {
    const shapes = [{ id: 1, columns: 4, floors: 30 }, { id: 2, columns: 4, floors: 18 }];
    const l = wallLayout(shapes, 1920, 984);
    const rowsHeight = l.rows.reduce((s, row) => s + BUILDING_HEAD + GAP + Math.max(...row.map((b) => b.floors)) * l.cellHeight, 0);
    expect(rowsHeight).toBeLessThanOrEqual(984);
    for (const row of l.rows) {
      const width = row.reduce((s, b) => s + LABEL_WIDTH + GAP + b.columns * l.cellWidth, GAP);
      expect(width).toBeLessThanOrEqual(1920);
    }
    expect(l.fontSize).toBeGreaterThanOrEqual(12);
  });

  it("puts number and price on one line in the wide, low cells of a tall project, big enough to read", () => {
    const shapes = [1, 2, 3].map((id) => ({ id, columns: 4, floors: 26 }));  // the demo project
    const l = wallLayout(shapes, 1920, 984);
    expect(l.rows.length).toBe(1);
    expect(l.inline).toBe(true);
    expect(l.fontSize).toBeGreaterThanOrEqual(16);
    const big = wallLayout(shapes, 3840, 2064);  // a 4K wall
    expect(big.fontSize).toBeGreaterThanOrEqual(32);
  });

  it("wraps many narrow buildings into rows when that gives bigger cells", () => {
    const shapes = Array.from({ length: 8 }, (_, i) => ({ id: i, columns: 6, floors: 6 }));
    const l = wallLayout(shapes, 1920, 984);
    expect(l.rows.length).toBeGreaterThan(1);
    expect(l.cellWidth).toBeGreaterThan(60);
  });
});
