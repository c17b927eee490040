import { Finding, Subject } from 'libk8s';
import { check, where } from '../fixtures/load';

const subjects = (...manifests: Record<string, any>[]): Subject[] => manifests.map((manifest) => ({ manifest, origin: {} }));
const secretFindings = (...manifests: Record<string, any>[]): Finding[] =>
  check(subjects(...manifests), { packs: ['production'] }).filter((f) => f.rule === 'secret-values' || f.rule === 'secret-literal');

const C = 'spec.template.spec.containers[0]';

/** A Deployment whose one container has these env vars (name → literal value), command and args. */
function deployment(env: Record<string, string>, extra: { command?: string[]; args?: string[] } = {}): Record<string, any> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'app' } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0.0', env: Object.entries(env).map(([name, value]) => ({ name, value })), ...extra }] },
      },
    },
  };
}

const envFindings = (name: string, value: string): string[] => where(secretFindings(deployment({ [name]: value })));

describe('secret-values: review fixes', () => {
  test('a 200 KB single-token value is scanned in linear time (no quadratic backtracking)', () => {
    const tokens = ['A'.repeat(200_000), '-a'.repeat(100_000), 'a.'.repeat(100_000), 'password'.repeat(25_000), `https://${'0'.repeat(32)}@${'sentry'.repeat(33_000)}`];
    for (const token of tokens) {
      const manifests = [
        deployment({ BLOB: token }, { command: ['sh', '-c', `echo ${token}`], args: [token, `--flag ${token}`] }),
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'blob', namespace: 'shop' }, data: { blob: token, 'app.conf': `x ${token}` } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'blob', namespace: 'shop' }, stringData: { blob: token } },
      ];
      const start = performance.now();
      secretFindings(...manifests);
      const ms = performance.now() - start;
      expect({ token: token.slice(0, 12), ms: ms < 1000 ? 'fast' : ms }).toEqual({ token: token.slice(0, 12), ms: 'fast' });
    }
  });

  test('credentials in a URL with an empty user (redis://:password@host) are found, in env and in Secret data', () => {
    expect(envFindings('REDIS_URL', 'redis://:s3cretpass@redis:6379/0')).toEqual([`Deployment/app ${C}.env[0].value`]);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'redis', namespace: 'shop' }, data: { url: Buffer.from('redis://:s3cretpass@redis:6379/0').toString('base64') } };
    const found = secretFindings(secret);
    expect(found.filter((f) => f.rule === 'secret-values').map((f) => `${f.field}: ${f.message}`)).toEqual(['data.url: Secret key "url" holds credentials in a URL']);
    expect(found.filter((f) => f.rule === 'secret-literal').map((f) => f.message)).toEqual(['a literal Secret lands in git: it carries data.url']);
    // still a non-empty password: `redis://:@redis` and `redis://redis:6379` hold none
    expect(envFindings('REDIS_URL', 'redis://:@redis:6379/0')).toEqual([]);
    expect(envFindings('REDIS_URL', 'redis://redis:6379/0')).toEqual([]);
  });

  test.each([
    ['ALLOW_PRIVATE', 'yes'],
    ['REGISTRY_PRIVATE', 'no'],
    ['PG_DSN', 'host=db port=5432 dbname=app user=app'],
    ['ALERT_WEBHOOK_URL', 'http://alertmanager.monitoring:9093/api/v2/alerts'],
    ['DB_PASS', 'on'],
    ['STRIPE_SK', 'disabled'],
    ['MASTER_KEY', 'enabled'],
  ])('%s=%s is no secret', (name, value) => {
    expect(envFindings(name, value)).toEqual([]);
  });

  test.each([
    ['SENTRY_DSN', 'https://abc123@o1.ingest.sentry.io/1'],
    ['DB_PASS', 'hunter22'],
    ['PG_DSN', 'host=db port=5432 dbname=app user=app password=hunter22'],
    ['ALERT_WEBHOOK_URL', 'https://chat.example.com/hooks/8f3Kx9Qz2LmN7vR4tY6wB1cD'],
  ])('%s=%s is a secret', (name, value) => {
    expect(envFindings(name, value)).toEqual([`Deployment/app ${C}.env[0].value`]);
  });

  test('a DSN-named ConfigMap key is a finding only with key material', () => {
    const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data });
    expect(where(secretFindings(cm({ PG_DSN: 'host=db port=5432 dbname=app user=app', ALERT_WEBHOOK_URL: 'http://alertmanager.monitoring:9093/api/v2/alerts', ALLOW_PRIVATE: 'yes' })))).toEqual([]);
    expect(where(secretFindings(cm({ SENTRY_DSN: 'https://abc123@o1.ingest.sentry.io/1' })))).toEqual(['ConfigMap/cfg data.SENTRY_DSN']);
  });

  test('shell and kubelet expansions are references, not literals', () => {
    const shell = deployment({}, { command: ['sh', '-c', 'PASSWORD=$(openssl rand -hex 16); echo "$PASSWORD" > /run/pw; exec /app/server'] });
    expect(where(secretFindings(shell))).toEqual([]);
    const flags = deployment({}, { args: ['--password=$(cat /run/secrets/db)', '--token=${TOKEN}', '--api-key=$API_KEY'] });
    expect(where(secretFindings(flags))).toEqual([]);
    // Grafana's file and env providers, and a kubelet expansion in a secret-named env var
    expect(envFindings('GF_DB_PASS', '$__file{/etc/secrets/db_password}')).toEqual([]);
    expect(envFindings('GF_SMTP_PASS', '$__env{SMTP_PASSWORD}')).toEqual([]);
    expect(envFindings('DB_PASS', '$(DB_PASSWORD_FROM_SECRET)')).toEqual([]);
    // a literal still is one
    const literal = deployment({}, { command: ['sh', '-c', 'PASSWORD=hunter2x9; exec /app/server'] });
    expect(where(secretFindings(literal))).toEqual([`Deployment/app ${C}.command[2]`]);
  });

  test('a password in a URL query string is a finding', () => {
    expect(envFindings('JDBC_URL', 'jdbc:postgresql://h:5432/db?user=app&password=hunter2x')).toEqual([`Deployment/app ${C}.env[0].value`]);
    expect(secretFindings(deployment({ JDBC_URL: 'jdbc:postgresql://h:5432/db?user=app&password=hunter2x' }))[0].message).toMatch(/a password in a URL query/);
    expect(secretFindings(deployment({ JDBC_URL: 'jdbc:postgresql://h:5432/db?user=app&password=hunter2x' }))[0].message).not.toMatch(/hunter2x/);
    expect(envFindings('JDBC_URL', 'jdbc:sqlserver://h:1433;databaseName=app;user=app;password=hunter2x')).toEqual([`Deployment/app ${C}.env[0].value`]);
    // a reference or no password is not
    expect(envFindings('JDBC_URL', 'jdbc:postgresql://h:5432/db?user=app&password=${DB_PASSWORD}')).toEqual([]);
    expect(envFindings('JDBC_URL', 'jdbc:postgresql://h:5432/db?user=app&sslmode=require')).toEqual([]);
  });
});
