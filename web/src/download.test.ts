import { describe, expect, it } from "vitest";
import { fileName, fileOf } from "./download";
import { ApiError } from "./errors";

describe("files from the API", () => {
  it("are named as the API names them, the Chinese name first", () => {
    expect(fileName(`inline; filename="plan-3.pdf"; filename*=UTF-8''${encodeURIComponent("置业计划书-0101")}.pdf`, "x.pdf"))
      .toBe("置业计划书-0101.pdf");
    expect(fileName('attachment; filename="board-1.pdf"', "x.pdf")).toBe("board-1.pdf");
    expect(fileName(null, "x.pdf")).toBe("x.pdf");
  });
  it("refused, say why by the code", async () => {
    const response = new Response(JSON.stringify({ error: "DEPOSIT_OUT_OF_RANGE" }), { status: 422 });
    await expect(fileOf(Promise.resolve({ error: { error: "DEPOSIT_OUT_OF_RANGE" }, response }), "x.pdf", "application/pdf"))
      .rejects.toMatchObject({ status: 422, code: "DEPOSIT_OUT_OF_RANGE" });
    await expect(fileOf(Promise.reject(new Error("offline")), "x.pdf", "application/pdf")).rejects.toBeInstanceOf(ApiError);
  });
  it("keep the bytes and the name", async () => {
    const blob = new Blob(["%PDF-1.4"], { type: "application/pdf" });
    const response = new Response(blob, { headers: { "Content-Disposition": 'inline; filename="a.pdf"' } });
    const file = await fileOf(Promise.resolve({ data: blob, response }), "x.pdf", "application/pdf");
    expect(file.name).toBe("a.pdf");
    expect(await file.blob.text()).toBe("%PDF-1.4");
  });
});
