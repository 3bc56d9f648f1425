/**
 * Benchmarks of the multicloud plugins. Each `src/<bench>/` folder is a
 * script run by `yarn bench:<bench>`; nothing here is imported by a product
 * package, and the benchmarks import the products' public entry points only.
 *
 * @packageDocumentation
 */
export {};
