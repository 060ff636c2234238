// Liveness for a load balancer or supervisor: the process answers. No database, no session.
export function loader() {
  return Response.json({ alive: true }, { headers: { 'Cache-Control': 'no-store' } });
}
