// Shapes of the office server's answers that the desktop does not have (its own are in
// ../lib/types): review, 回访.
import type { AppError } from '../lib/api';
import type { WorkOrderView } from '../lib/types';

export interface Verification { status: 'verified' | 'failed' | 'pending_file'; problem: string | null; problem_en: string | null }
export interface ReportReview {
  number: string; kind: string; title: string; work_order_id: string; work_order_state: string; customer_id: string; customer_name: string;
  site_name: string; lane_code: string; device_code: string | null; engineer_signer: string; customer_signer: string | null; refused: boolean;
  refusal_reason: string | null; confirmed_by_phone: string | null; signed_at: string; sha256: string; size: number; verification: Verification;
}
export interface ReviewPhoto { id: string; caption: string | null; original_sha256: string; report_sha256: string; width: number; height: number; taken_at: string | null }
export interface Confirmation { kind: 'signed' | 'refused' | 'by_phone'; id: string; png_sha256?: string; signer?: string; reason?: string; confirmer?: string; phone?: string; recorded_by?: string; at: string }
export interface WorkOrderReview extends WorkOrderView {
  photos: ReviewPhoto[]; confirmation: Confirmation | null; reports: ReportReview[]; can_close: boolean; close_refusal: AppError | null;
}
export interface FollowUpDue {
  work_order_id: string; title: string; customer_id: string; customer_name: string; site_name: string; lane_code: string; device_code: string | null;
  contact_name: string | null; contact_phone: string | null; closed_at: string; due: string; status: string; attempts: number; last_attempt_at: string | null;
}
export interface Call {
  id: string; kind: string; work_order_id: string | null; customer_id: string; customer_name: string; month: string | null; called_at: string;
  called_by: string; person: string | null; phone: string | null; reached: boolean; satisfaction: number | null; comments: string | null;
}
export interface MonthlyDue { customer_id: string; customer_name: string; contact_name: string | null; contact_phone: string | null; attempts: number; last_call: Call | null }
export interface FollowUps { month: string; after_work_orders: FollowUpDue[]; monthly: MonthlyDue[] }
