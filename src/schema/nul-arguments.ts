import {
  BREAK,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from "graphql";
import { hasNul } from "../domain/input-text.js";

/**
 * A field's extension listing arguments whose strings are checked row by row by the service (an
 * import's rows: a NUL fails its row, not the request). `@Extensions({ [ROW_CHECKED_ARGUMENTS]: ["rows"] })`.
 */
export const ROW_CHECKED_ARGUMENTS = "rowCheckedArguments";

/** Where a NUL was found: the argument's path as the caller wrote it ("input.firstName", "steps[1].name") and its last name. */
export interface NulArgument {
  path: string;
  field: string;
}

/**
 * The first string with a NUL character among the arguments of the operation that is about to run,
 * written in the document or given as variables (their defaults included), in any field, nested input
 * or list — null if there is none. Arguments a field lists under ROW_CHECKED_ARGUMENTS are left out.
 */
export function findNulArgument(
  schema: GraphQLSchema,
  request: { source?: string; document: DocumentNode; operation: OperationDefinitionNode; variables?: Readonly<Record<string, unknown>> },
): NulArgument | null {
  const { source, document, operation, variables } = request;
  // the common case, cheaply: no NUL in the variables, none the document's text could hold
  if (source !== undefined && !NUL_IN_SOURCE.test(source) && !jsonHasNul(variables)) return null;
  const defaults = new Map(operation.variableDefinitions?.map((v) => [v.variable.name.value, v.defaultValue]) ?? []);
  const valueOf = (name: string): { json: unknown } | { ast: ValueNode } | null =>
    variables && Object.hasOwn(variables, name) ? { json: variables[name] } : defaults.get(name) ? { ast: defaults.get(name)! } : null;

  // the operation that runs and the fragments it may spread: another operation's arguments never run
  const definitions = document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION);
  const typeInfo = new TypeInfo(schema);
  let found: NulArgument | null = null;
  visit(
    { ...document, definitions },
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const rowChecked = typeInfo.getDirective() ? undefined : typeInfo.getFieldDef()?.extensions?.[ROW_CHECKED_ARGUMENTS];
        if (!(Array.isArray(rowChecked) && rowChecked.includes(node.name.value))) found = inValue(node.value, node.name.value, valueOf);
        return found ? BREAK : false; // its value is walked here, not by the visitor
      },
    }),
  );
  return found;
}

/**
 * What in a document's text can make a string value with a NUL: the character itself, `\u0000`, or
 * `\u{0}` (graphql-js 16 reads both escapes). A block string or a comment may match without holding
 * one; then the arguments are walked and nothing is found.
 */
const NUL_IN_SOURCE = /\u0000|\\u0000|\\u\{0+\}/;

function jsonHasNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === "string") {
      if (hasNul(value)) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (value !== null && typeof value === "object") {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  return false;
}

type VariableValue = (name: string) => { json: unknown } | { ast: ValueNode } | null;

/** Walks a value (an AST literal, or a variable's JSON) with an explicit stack: a deeply nested variable cannot overflow the call stack. */
function inValue(root: ValueNode, rootPath: string, valueOf: VariableValue): NulArgument | null {
  type Pending = [{ json: unknown } | { ast: ValueNode }, string];
  const pending: Pending[] = [[{ ast: root }, rootPath]]; // popped in the order the caller wrote them
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if ("ast" in value) {
      const node = value.ast;
      if (node.kind === Kind.STRING && hasNul(node.value)) return at(path);
      if (node.kind === Kind.VARIABLE) {
        const given = valueOf(node.name.value);
        if (given) pending.push([given, path]);
      }
      if (node.kind === Kind.LIST) for (let i = node.values.length - 1; i >= 0; i--) pending.push([{ ast: node.values[i]! }, `${path}[${i}]`]);
      if (node.kind === Kind.OBJECT) for (const field of [...node.fields].reverse()) pending.push([{ ast: field.value }, `${path}.${field.name.value}`]);
    } else {
      const json = value.json;
      if (typeof json === "string" && hasNul(json)) return at(path);
      if (Array.isArray(json)) for (let i = json.length - 1; i >= 0; i--) pending.push([{ json: json[i] }, `${path}[${i}]`]);
      else if (json !== null && typeof json === "object") for (const [key, item] of Object.entries(json).reverse()) pending.push([{ json: item }, `${path}.${key}`]);
    }
  }
  return null;
}

/** "input.firstName" → field "firstName", "steps[1].name" → "name", "to" → "to". */
function at(path: string): NulArgument {
  return { path, field: path.replace(/\[\d+\]/g, "").split(".").at(-1)! };
}
