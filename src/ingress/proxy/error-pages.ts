/**
 * Responses the controller writes itself (default backend, redirects, 4xx/5xx),
 * shaped like nginx's built-in pages so clients and scripts see what they
 * would see from ingress-nginx.
 */
import { STATUS_CODES } from "node:http";

export function statusText(code: number): string {
  return STATUS_CODES[code] ?? "Unknown";
}

export function errorPage(code: number): string {
  const title = `${code} ${statusText(code)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>michi</center>\r\n</body>\r\n</html>\r\n`;
}
