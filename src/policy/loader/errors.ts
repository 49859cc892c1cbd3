/** A pack (or the deployment file) that may not load: names the pack and every violation. */
export class PolicyLoadError extends Error {
  constructor(
    readonly packId: string,
    readonly violations: string[],
  ) {
    super(`pack ${packId}: ${violations.join('; ')}`);
    this.name = 'PolicyLoadError';
  }
}
