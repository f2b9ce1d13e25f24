import { escapeHtml } from '@kitajs/html';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../web/app.js';
import { pageContext, sendHtml } from '../web/context.js';
import { Layout } from '../web/views/layout.js';

export function adviceRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/conseils-securite', async (req, reply) => {
    const ctx = pageContext(req, deps.config.insurerName);
    const a = ctx.t.advice;
    return sendHtml(
      reply,
      <Layout ctx={ctx} title={a.title}>
        <h1>{escapeHtml(a.title)}</h1>
        <p class="lead">{escapeHtml(a.intro)}</p>
        {a.sections.map((s) => (
          <section class="card">
            <h2>{escapeHtml(s.title)}</h2>
            <ul>
              {s.points.map((pt) => (
                <li>{escapeHtml(pt)}</li>
              ))}
            </ul>
          </section>
        ))}
        <p>
          <a class="button button--secondary" href="/connexion">
            {escapeHtml(a.back)}
          </a>
        </p>
      </Layout>,
    );
  });
}
