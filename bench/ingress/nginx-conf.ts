/**
 * nginx.conf generated from michi's compiled route table, the way
 * ingress-nginx would write it for plain Ingresses (no annotations): one
 * server per host, Exact → `= path`, Prefix → `= path` + `path/`,
 * ImplementationSpecific → `path`, upstream keep-alive. Only for the
 * benchmark's like-for-like comparison.
 */
import type { RouteTable, Server } from "../../src/ingress/route-types.js";

export interface NginxConfOptions {
  listenPort: number;
  tmpDir: string;
  upstream: (ep: { ip: string; port: number }) => { host: string; port: number };
}

export function generateNginxConf(table: RouteTable, o: NginxConfOptions): string {
  const upstreams = new Map<string, string[]>();
  const servers: string[] = [];
  const serverBlock = (srv: Server, name: string) => {
    const locs: string[] = [];
    const seen = new Set<string>();
    for (const l of srv.ordered) {
      const ups = l.backend && l.backend.endpoints.length > 0 ? l.backend.upstream : undefined;
      if (ups && l.backend)
        upstreams.set(
          ups,
          l.backend.endpoints.map((e) => {
            const t = o.upstream(e);
            return `${t.host}:${t.port}`;
          }),
        );
      const body = ups
        ? `proxy_pass http://${ups}; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_set_header Host $host;`
        : "return 404;";
      const add = (mod: string) => {
        if (seen.has(mod)) return;
        seen.add(mod);
        locs.push(`    location ${mod} { ${body} }`);
      };
      if (l.pathType === "Exact") add(`= ${l.path}`);
      else if (l.pathType === "Prefix" && l.path !== "/") {
        const p = l.path.replace(/\/+$/, "");
        add(`= ${p}`);
        add(`${p}/`);
      } else add(l.path);
    }
    servers.push(
      `  server {\n    listen 127.0.0.1:${o.listenPort}${name === "_" ? " default_server" : ""};\n    server_name ${name};\n${locs.join("\n")}\n  }`,
    );
  };
  serverBlock(table.catchAll, "_");
  for (const [host, srv] of table.servers) serverBlock(srv, host);
  const ups = [...upstreams].map(
    ([n, addrs]) =>
      `  upstream ${n} {\n${addrs.map((a) => `    server ${a};`).join("\n")}\n    keepalive 320;\n  }`,
  );
  return `worker_processes 1;
daemon off;
pid ${o.tmpDir}/nginx.pid;
error_log ${o.tmpDir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${o.tmpDir}/body;
  proxy_temp_path ${o.tmpDir}/proxy;
  fastcgi_temp_path ${o.tmpDir}/fastcgi;
  uwsgi_temp_path ${o.tmpDir}/uwsgi;
  scgi_temp_path ${o.tmpDir}/scgi;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
${ups.join("\n")}
${servers.join("\n")}
}
`;
}

/** A fast upstream: nginx answering a fixed 2-byte body. */
export function upstreamConf(port: number, tmpDir: string): string {
  return `worker_processes 1;
daemon off;
pid ${tmpDir}/upstream.pid;
error_log ${tmpDir}/upstream-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${tmpDir}/ubody;
  proxy_temp_path ${tmpDir}/uproxy;
  fastcgi_temp_path ${tmpDir}/ufastcgi;
  uwsgi_temp_path ${tmpDir}/uuwsgi;
  scgi_temp_path ${tmpDir}/uscgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    location / { return 200 "ok"; }
  }
}
`;
}
