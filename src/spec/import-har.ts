export interface ImportHarOptions { baseUrl?: string; name?: string } export function importHar(): string { return ""; }
