/** The harness's ceiling: a bare Hono Worker, one route, no bindings, no static assets. */
import { Hono } from "hono";

const app = new Hono();
app.get("*", (c) => c.json({ ok: true }));

export default app;
