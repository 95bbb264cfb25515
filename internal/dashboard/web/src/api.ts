// Every request is a registered operation sent by its hash alone
// (extensions.persistedQuery.sha256Hash): the app never sends query text,
// so it works on a --persisted-only server.

export interface Operation {
  name: string;
  hash: string;
}

export async function run<T>(op: Operation, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch("/query", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      operationName: op.name,
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: op.hash } },
    }),
  });
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = await res.json();
  } catch {
    throw new Error(`the server answered ${res.status} ${res.statusText}`);
  }
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  if (!body.data) throw new Error(`no data (HTTP ${res.status})`);
  return body.data;
}
