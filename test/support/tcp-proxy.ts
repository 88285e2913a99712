import net from "node:net";

/**
 * A TCP proxy on loopback that a test can cut (every connection destroyed, new ones refused) and
 * restore on the same port: a database that goes away and comes back. `cutWhen` cuts as soon as
 * the client sends bytes containing a string (e.g. one statement of a transaction), without
 * forwarding them.
 */
export class TcpProxy {
  port = 0;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private trigger: string | null = null;
  private readonly target: { host: string; port: number };

  constructor(target: { host: string; port: number }) {
    this.target = target;
  }

  get up(): boolean {
    return this.server !== null;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Stops accepting and destroys every open connection, both sides. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.trigger = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts when the client next sends `text` (the bytes holding it are not forwarded). */
  cutWhen(text: string): void {
    this.trigger = text;
  }

  restore(): Promise<void> {
    return this.start();
  }

  private pipe(client: net.Socket): void {
    const upstream = net.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("error", () => undefined);
      s.once("close", () => {
        this.sockets.delete(s);
        (s === client ? upstream : client).destroy();
      });
    }
    client.on("data", (chunk: Buffer) => {
      if (this.trigger !== null && chunk.includes(this.trigger)) return void this.cut();
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => client.write(chunk));
  }
}
