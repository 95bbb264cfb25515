// A .graphql import is the operation's name and the SHA-256 of its text
// (see persistedOperations in vite.config.ts); the text stays on the server.
declare module "*.graphql" {
  const op: { name: string; hash: string };
  export default op;
}
