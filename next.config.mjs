/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only native and Node modules stay out of the bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "ws", "pino"],
  // Build output lives in .next; the custom server (server.ts) serves it.
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
