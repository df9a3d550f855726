import type { Command } from 'commander';
import { UsageError } from '../support/cli-error.js';
import { createOutput } from '../support/output.js';

interface GatewayOptions {
  config?: string;
  check?: boolean;
  logLevel?: string;
  json?: boolean;
}

export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description(
      'run the agency gateway beside a document system: signs and spools outgoing packages, verifies and hands over incoming ones (see docs/gateway.md)',
    )
    .option('--config <file>', 'the gateway configuration (JSON; default: LIENTHONG_GATEWAY_CONFIG or ./gateway.json)')
    .option('--check', 'check the configuration and the tenants’ keys, then exit')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (overrides log.level)')
    .action(async (_opts: GatewayOptions, cmd: Command) => {
      const o = cmd.optsWithGlobals<GatewayOptions>();
      const out = createOutput(Boolean(o.json));
      const gw = await import('@lienthong/gateway');
      const file = o.config ?? process.env['LIENTHONG_GATEWAY_CONFIG'] ?? 'gateway.json';
      let config: import('@lienthong/gateway').GatewayConfig;
      try {
        config = gw.loadGatewayConfig(file);
        if (o.logLevel) config = gw.parseGatewayConfig({ ...config, log: { level: o.logLevel } });
      } catch (e) {
        if (e instanceof gw.GatewayConfigError) throw new UsageError(`${file}: ${e.message}`);
        throw e;
      }
      if (o.check) {
        const problems = gw.checkTenants(config);
        out.result(
          () =>
            config.tenants
              .map((t) => `${t.agency}: ${problems.get(t.agency) ?? 'keys and trust anchors load'}`)
              .join('\n'),
          { tenants: config.tenants.map((t) => ({ agency: t.agency, error: problems.get(t.agency) ?? null })) },
        );
        if (problems.size > 0) throw new UsageError(`${problems.size} tenant(s) cannot start`);
        return;
      }
      const running = await gw.startGateway(config);
      out.result(
        () =>
          `Lienthong gateway on ${running.url} for ${config.tenants.map((t) => t.agency).join(', ')} → hub ${config.hub.url}`,
        { url: running.url, tenants: running.status().tenants },
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await running.close();
    });
}
