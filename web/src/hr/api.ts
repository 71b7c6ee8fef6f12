// The hr desk's types from the API (src/api.d.ts) and the fields the desk reads loosely: the
// planned 调岗 (issue 16) is read through its own small interface so the desk keeps
// type-checking while hr's answer grows.
import type { Schemas } from "../client";

export type Staff = Schemas["StaffOut"];
export type StaffDetail = Schemas["StaffDetailOut"];
export type StaffMove = Schemas["StaffMoveOut"];
export type Requisition = Schemas["RequisitionOut"];
export type Candidate = Schemas["CandidateOut"];
export type CandidateDetail = Schemas["CandidateDetail"];
export type Offer = Schemas["OfferOut"];
export type Course = Schemas["CourseOut"];
export type Certification = Schemas["CertificationOut"];
export type TrainingStats = Schemas["TrainingStats"];
export type PersonStats = Schemas["PersonStats"];
export type RotaEntry = Schemas["RotaEntryOut"];

export interface PlannedTransfer {
  effective_on?: string;
  to_project_ids?: number[];
  to_role?: string | null;
  reason?: string | null;
}

/** The 调岗 waiting for its day, when hr's answer carries one. */
export function plannedTransfer(staff: object | null | undefined): PlannedTransfer | null {
  const planned = (staff as { planned_transfer?: PlannedTransfer | null } | null | undefined)?.planned_transfer;
  return planned && planned.effective_on ? planned : null;
}

/** A move's status (done / planned / cancelled) when hr's answer carries it; else done. */
export function moveStatus(move: object): string {
  return (move as { status?: string }).status ?? "done";
}
