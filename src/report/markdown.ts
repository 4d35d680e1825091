/** Makes text safe inside one markdown table cell. */
export const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
