/**
 * Facts a hospital records before settlement (national 2201, 2204), on a stream of their
 * own per visit (`mdtrt-<mdtrt_id>`): immutable and replayable like every ledger fact, and
 * kept off the person stream so a person's fold and replay stay exactly as they were.
 */
export const visitStreamId = (mdtrtId: string): string => `mdtrt-${mdtrtId}`;

export interface VisitRegistered {
  type: 'VisitRegistered';
  data: {
    mdtrt_id: string;
    psn_no: string;
    fixmedins_code: string;
    ipt_otp_no: string;
    insutype: string;
    mdtrt_cert_type: string;
    /** Beijing time as sent, and as an instant (the visit's occurredAt). */
    begntime: string;
    occurredAt: string;
    psn_type?: string;
    psn_cert_type?: string;
    hosp_lv?: string;
    dept_code?: string;
    atddr_no?: string;
  };
}

export interface StoredFeeLine {
  feedetl_sn: string;
  med_list_codg: string;
  medins_list_codg?: string;
  medins_list_name?: string;
  det_item_fee_sumamt: string;
  cnt?: string;
  pric?: string;
  chrgitm_lv: string;
  fee_ocur_time?: string;
}

export interface FeeLinesUploaded {
  type: 'FeeLinesUploaded';
  data: { mdtrt_id: string; psn_no: string; chrg_bchno: string; lines: StoredFeeLine[] };
}
