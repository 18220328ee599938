// Signatures drawn but not yet used, by work order: leaving the signature screen (to fill in
// what the work order still needs) must not lose what the customer drew, nor the signer's name.
// Kept in memory for this run of the app only: a signature is never stored before the report.
import type { PointGroup } from 'signature_pad';

export interface KeptSignature { strokes: PointGroup[]; signer: string; refusing: boolean; reason: string }

const kept = new Map<string, KeptSignature>();

export function keptSignature(workOrderId: string): KeptSignature | undefined {
  return kept.get(workOrderId);
}

export function keepSignature(workOrderId: string, s: KeptSignature) {
  if (s.strokes.length || s.signer.trim() || s.reason.trim()) kept.set(workOrderId, s);
  else kept.delete(workOrderId);
}

export function forgetSignature(workOrderId: string) {
  kept.delete(workOrderId);
}
