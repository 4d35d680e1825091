/**
 * Text for a terminal: box text may carry escape sequences (cursor moves, screen clears, OSC 52 clipboard
 * writes, hyperlinks, title changes) that would act on the user's terminal. They are removed, and any
 * other control character but newline and tab is shown as `?`. Pure.
 */
// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), DCS/SOS/PM/APC (ESC P|X|^|_ … ST), other two-byte ESC
// sequences, and the 8-bit C1 forms of CSI (0x9b) and OSC (0x9d).
const SEQUENCES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[PX^_][^\u001b]*(?:\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]|\u009d[^\u0007\u009c]*[\u0007\u009c]?/g;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function forTerminal(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(SEQUENCES, '').replace(CONTROLS, '?');
}
