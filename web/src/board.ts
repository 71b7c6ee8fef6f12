// Figures of a 销控 board: counts per status, 去化率, per building.
import type { Board } from "./client";
import { SOLD } from "./format";

type Building = NonNullable<Board["buildings"]>[number];

export interface Figures {
  total: number;
  released: number;
  sold: number;
  byStatus: Record<string, number>;
}

export function buildingFigures(building: Building): Figures {
  const f: Figures = { total: 0, released: 0, sold: 0, byStatus: {} };
  for (const floor of building.floors ?? []) {
    for (const unit of floor.units ?? []) {
      const status = unit.status ?? "unreleased";
      f.total += 1;
      f.byStatus[status] = (f.byStatus[status] ?? 0) + 1;
      if (status !== "unreleased") f.released += 1;
      if (SOLD.has(status)) f.sold += 1;
    }
  }
  return f;
}

export function boardFigures(board: Board): Figures {
  const all: Figures = { total: 0, released: 0, sold: 0, byStatus: {} };
  for (const b of board.buildings ?? []) {
    const f = buildingFigures(b);
    all.total += f.total;
    all.released += f.released;
    all.sold += f.sold;
    for (const [k, v] of Object.entries(f.byStatus)) all.byStatus[k] = (all.byStatus[k] ?? 0) + v;
  }
  return all;
}

/** Floors top to bottom, as on the wall of the sales office. */
export function floorsTopDown(building: Building) {
  return [...(building.floors ?? [])].sort((a, b) => (b.floor ?? 0) - (a.floor ?? 0));
}

/** A hold of mine as the list shows it. */
export interface MyHold {
  holdId: number;
  unitId: number;
  number: string;
  price: string;
  customer: string;
  expiresAt: string;
}
