/**
 * What a run reads of one namespace's managed Secrets: full data only for the Secrets it may write,
 * metadata for the rest (ownership, due rules, prune, namespace record need nothing more), so the
 * bytes read per run follow the due set, not the cluster.
 *
 * The rule, per namespace:
 * - when at least half of its ExternalSecrets are certainly due (forced, or the cadence being
 *   served), one full LIST of the managed Secrets: the data is needed for most of them anyway;
 * - otherwise one metadata-only LIST of the managed Secrets, then the data of the few that need it:
 *   GETs of just those while they are at most a quarter of the namespace's managed Secrets, else one
 *   full LIST (one request instead of many, for little more data);
 * - a forced refresh of named ExternalSecrets that neither prunes nor keeps a namespace record
 *   needs nothing of the others: GETs of the forced targets only.
 */
import type { ExistingSecret, KubeGateway } from '../kube/gateway.ts';
import { MANAGED } from '../model/managed.ts';

const MANAGED_SELECTOR = `${MANAGED.label}=true`;

/** One namespace's managed Secrets as read so far. */
export class NamespaceSecrets {
  readonly namespace: string;
  /** name -> Secret; metadata only unless its name is in `#withData`. */
  readonly #secrets: Map<string, ExistingSecret>;
  readonly #withData: Set<string>;
  /** Names read by GET and not found: missing for sure, no further read needed. */
  readonly #absent = new Set<string>();

  private constructor(namespace: string, secrets: readonly ExistingSecret[], withData: boolean) {
    this.namespace = namespace;
    this.#secrets = new Map(secrets.map((s) => [s.name, s]));
    this.#withData = new Set(withData ? this.#secrets.keys() : []);
  }

  /**
   * @param allData read every managed Secret's data at once (most of them are due)
   * @example
   * ```ts
   * const secrets = await NamespaceSecrets.read(gateway, 'apps', false);
   * ```
   */
  static async read(gateway: KubeGateway, namespace: string, allData: boolean): Promise<NamespaceSecrets> {
    const list = allData ? await gateway.listManagedSecrets(namespace) : await gateway.listSecretMetadata(namespace, { labelSelector: MANAGED_SELECTOR });
    return new NamespaceSecrets(namespace, list, allData);
  }

  /**
   * Only these Secrets, by GET (managed or not: a GET tells "missing" from "someone else's" too).
   *
   * @example
   * ```ts
   * const secrets = await NamespaceSecrets.readTargets(gateway, 'apps', ['db', 'api']);
   * ```
   */
  static async readTargets(gateway: KubeGateway, namespace: string, names: readonly string[]): Promise<NamespaceSecrets> {
    const secrets = new NamespaceSecrets(namespace, [], false);
    await secrets.#getEach(gateway, [...new Set(names)]);
    return secrets;
  }

  /** True when a GET found no Secret of that name. */
  isAbsent(name: string): boolean {
    return this.#absent.has(name);
  }

  get(name: string): ExistingSecret | undefined {
    return this.#secrets.get(name);
  }

  hasData(name: string): boolean {
    return this.#withData.has(name);
  }

  values(): IterableIterator<ExistingSecret> {
    return this.#secrets.values();
  }

  /** Reads the data of these Secrets (those already read are skipped): GETs for a few, one LIST for many. */
  async readData(gateway: KubeGateway, names: Iterable<string>): Promise<void> {
    const wanted = [...new Set(names)].filter((n) => this.#secrets.has(n) && !this.#withData.has(n));
    if (wanted.length === 0) return;
    if (wanted.length * 4 > this.#secrets.size) {
      const list = await gateway.listManagedSecrets(this.namespace);
      this.#secrets.clear();
      for (const s of list) {
        this.#secrets.set(s.name, s);
        this.#withData.add(s.name);
      }
      return;
    }
    await this.#getEach(gateway, wanted);
  }

  async #getEach(gateway: KubeGateway, names: readonly string[]): Promise<void> {
    await Promise.all(names.map(async (name) => {
      const s = await gateway.getSecret(this.namespace, name);
      // Deleted since the LIST: the run sees it as missing, as a LIST now would.
      if (s) {
        this.#secrets.set(name, s);
        this.#withData.add(name);
      } else {
        this.#secrets.delete(name);
        this.#absent.add(name);
      }
    }));
  }
}

/**
 * True when the metadata proves that nobody else changed the data since we wrote it: no other field
 * manager owns a data key (a changed or added key moves to its writer), and we still own as many
 * keys as we recorded (a removed key leaves every manager's set). Anything else needs the data.
 *
 * @example
 * ```ts
 * if (!dataUntouched(secret)) await secrets.readData(gateway, [secret.name]);
 * ```
 */
export function dataUntouched(s: ExistingSecret): boolean {
  const recorded = s.annotations[MANAGED.dataKeysAnnotation];
  return s.dataFields !== undefined && !s.dataFields.others && recorded !== undefined && String(s.dataFields.ours) === recorded;
}
