/**
 * The API server's `Status` bodies (meta/v1 Status): the reasons and codes
 * kubectl turns into its messages (`Error from server (NotFound): …`,
 * `The Service "x" is invalid: * spec.ports[0].port: …`).
 */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    };
  }
}

interface Target {
  group: string;
  plural: string;
  kind: string;
}

function qualified(t: Target): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export const unauthorized = (): ApiError => new ApiError(401, "Unauthorized", "Unauthorized");

export function notFound(t: Target, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualified(t)} "${name}" not found`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

export function alreadyExists(t: Target, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualified(t)} "${name}" already exists`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

export function conflict(t: Target, name: string, why: string): ApiError {
  return new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(t)} "${name}": ${why}`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });
}

export function invalid(t: Target, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message =
    list.length === 1
      ? `${t.kind} "${name}" is invalid: ${list[0]}`
      : `${t.kind} "${name}" is invalid: [${list.join(", ")}]`;
  return new ApiError(422, "Invalid", message, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.kind,
    causes,
  });
}

export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

export const methodNotAllowed = (message: string): ApiError => new ApiError(405, "MethodNotAllowed", message);

export const forbidden = (t: Target, name: string, why: string): ApiError =>
  new ApiError(403, "Forbidden", `${qualified(t)} "${name}" is forbidden: ${why}`, {
    name,
    ...(t.group ? { group: t.group } : {}),
    kind: t.plural,
  });

export const gone = (message: string): ApiError => new ApiError(410, "Expired", message);

export const unsupportedMediaType = (type: string): ApiError =>
  new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${type})`,
  );
