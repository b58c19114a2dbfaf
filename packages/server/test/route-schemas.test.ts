import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './databases.ts';
import { createTestContext, type TestContext } from './harness.ts';

/** Every API route states its input and every answer: reviewers rely on this when reading the OpenAPI document. */
describe('route schemas', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(testDatabases()[0]!);
  });
  afterAll(() => ctx.close());

  it('gives every mutating API route a body schema and every route that takes input its error responses', async () => {
    const doc = (await ctx.app.inject('/api/openapi.json')).json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; parameters?: unknown[]; responses?: Record<string, unknown> }>
      >;
    };
    const missingBody: string[] = [];
    const missingErrors: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, op] of Object.entries(methods)) {
        if (['post', 'put', 'patch'].includes(method) && !op.requestBody)
          missingBody.push(`${method.toUpperCase()} ${path}`);
        const statuses = Object.keys(op.responses ?? {});
        if (!statuses.some((s) => s.startsWith('2')))
          missingErrors.push(`${method.toUpperCase()} ${path}: no success schema`);
        // An operation with no input at all (a public catalogue) may have no 4xx to describe.
        const takesInput = Boolean(op.requestBody) || (op.parameters?.length ?? 0) > 0;
        if (takesInput && !statuses.some((s) => s.startsWith('4')))
          missingErrors.push(`${method.toUpperCase()} ${path}: no error schema`);
      }
    }
    expect(missingBody).toEqual([]);
    expect(missingErrors).toEqual([]);
  });

  it('refuses fields on action endpoints that take no input, and accepts an empty body', async () => {
    const withField = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/admin/jobs/job_0000000000abc/retry',
      payload: { force: true },
    });
    expect(withField.statusCode).toBe(400);
    expect(withField.json().code).toBe('VALIDATION_FAILED');
    const bare = await ctx.app.inject({ method: 'POST', url: '/api/v1/admin/jobs/job_0000000000abc/retry' });
    expect(bare.statusCode).toBe(401);
  });
});
