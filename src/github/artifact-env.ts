/** Why the Actions artifact service cannot be used from here, or null when it can (no client is loaded to tell). */
export function artifactServiceMissing(env: Record<string, string | undefined>): string | null {
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((k) => !env[k]);
  return missing.length ? `the Actions artifact service is not reachable from here (${missing.join(' and ')} unset: this is not a GitHub Actions step)` : null;
}
