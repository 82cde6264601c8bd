/**
 * Wrap the declared type of a field whose class is in an import cycle (Employee ↔ Employment):
 * with emitDecoratorMetadata a bare class type is read while the module is still loading, which
 * is a ReferenceError under ESM. The alias makes the emitted design type `Object`; the GraphQL
 * type comes from the explicit `@Field(() => …)` anyway.
 */
export type Relation<T> = T;
