import { createTableClient } from "../../lib/adapters/azure/tables/createTableClient.js";
import { TableRecordLedger } from "../../lib/adapters/azure/tables/TableRecordLedger.js";
import type { CheckpointStore, IngestionSink, RecordLedger } from "../../lib/job/ports.js";
import type { AzureHarness } from "../functions/azureHarness.js";

/** `target` whose `method` rejects once, as if the process died there; later calls go through. */
export function crashOnce<T extends RecordLedger | CheckpointStore>(target: T, method: keyof T & string): T {
  let crashed = false;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== "function") return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(object);
      if (property !== method) return bound;
      return (...args: unknown[]) => {
        if (crashed) return bound(...args);
        crashed = true;
        return Promise.reject(new Error(`simulated crash in ${method}`));
      };
    },
  });
}

/** The error shape `@azure/data-tables` throws for a refused call (a RestError with status and service code). */
export interface ServiceFailure {
  statusCode: number;
  code: string;
  message: string;
}

/**
 * The harness's Table Storage ledger, on a client whose entity group transactions (`submitTransaction`) all fail
 * with `failure`, while point reads and single-entity writes go through: a transaction-level outage.
 */
export function failTransactions(harness: AzureHarness, failure: ServiceFailure): RecordLedger {
  const client = createTableClient({
    connectionString: harness.azurite.connectionString,
    tableName: harness.config.table.tableName,
  });
  const failing = new Proxy(client, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (property === "submitTransaction") {
        return () =>
          Promise.reject(Object.assign(new Error(failure.message), { name: "RestError", ...failure }));
      }
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
  return new TableRecordLedger(failing);
}

/** `sink` that first runs `before` (once), e.g. to stop Azurite between the claim and the upload. */
export function runBeforeUpload(sink: IngestionSink, before: () => Promise<void>): IngestionSink {
  let done = false;
  return {
    async upload(records, options) {
      if (!done) {
        done = true;
        await before();
      }
      return sink.upload(records, options);
    },
  };
}
