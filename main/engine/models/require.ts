import { KiwiError } from '../../platform/errors.ts';
import { verifyModel, modelPath, type VerifyOptions } from './verify.ts';

/**
 * The gate an engine passes before loading a model: the installed files must still be the
 * ones whose sha256 was checked at install time. Resolves to the model folder.
 */
export async function requireVerifiedModel(id: string, opts: VerifyOptions = {}): Promise<string> {
  const result = await verifyModel(id, opts);
  if (!result.ok) {
    throw new KiwiError(
      'model_unusable',
      `model '${id}' cannot be used:\n  ${result.problems.join('\n  ')}\nrun: kiwi models download ${id}`,
      503,
    );
  }
  return modelPath(id, opts);
}
