// Loading a package that ships as ES modules only from this CommonJS build: TypeScript compiles
// import() to require() under CommonJS, and require() cannot load such a package (nor one with
// top-level await, like Vega).
export const importEsm = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<unknown>;
