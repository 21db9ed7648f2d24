import { expect } from 'chai';
import { compare, renderReport, type AgentBenchSamples } from '../../../bench/lib/agent-report.js';

const MiB = 1024 * 1024;

/** Three runs with round numbers so every ratio is exact. */
const SAMPLES: AgentBenchSamples = {
  nodeExitMs: [40, 50, 45],
  bare: [
    { startMs: 60, rssBytes: 40 * MiB, latencyMedianMs: 0.2, latencyP95Ms: 0.5, latencyP99Ms: 0.9 },
    { startMs: 50, rssBytes: 44 * MiB, latencyMedianMs: 0.1, latencyP95Ms: 0.4, latencyP99Ms: 0.8 },
    { startMs: 55, rssBytes: 42 * MiB, latencyMedianMs: 0.3, latencyP95Ms: 0.6, latencyP99Ms: 1.1 },
  ],
  agent: [
    { startMs: 450, rssBytes: 84 * MiB, latencyMedianMs: 0.5, latencyP95Ms: 1.2, latencyP99Ms: 2.5 },
    { startMs: 440, rssBytes: 90 * MiB, latencyMedianMs: 0.6, latencyP95Ms: 1.0, latencyP99Ms: 1.5 },
    { startMs: 500, rssBytes: 88 * MiB, latencyMedianMs: 0.4, latencyP95Ms: 1.6, latencyP99Ms: 3.0 },
  ],
  floodBare: [
    { idleHwmBytes: 40 * MiB, hwmBytes: 50 * MiB, rssAfterBytes: 45 * MiB, statuses: [200, 200] },
    { idleHwmBytes: 40 * MiB, hwmBytes: 60 * MiB, rssAfterBytes: 45 * MiB, statuses: [200, 200] },
    { idleHwmBytes: 40 * MiB, hwmBytes: 55 * MiB, rssAfterBytes: 45 * MiB, statuses: [200, 200] },
  ],
  floodAgent: [
    { idleHwmBytes: 80 * MiB, hwmBytes: 110 * MiB, rssAfterBytes: 90 * MiB, statuses: [401, 401] },
    { idleHwmBytes: 90 * MiB, hwmBytes: 100 * MiB, rssAfterBytes: 90 * MiB, statuses: [401, 0] },
    { idleHwmBytes: 88 * MiB, hwmBytes: 99 * MiB, rssAfterBytes: 90 * MiB, statuses: [401, 401] },
  ],
  boot: [50, 60, 55].map((bareMs, i) => ({
    bare: { firstMs: bareMs, hwmBytes: (40 + i) * MiB },
    agentTlsOff: { firstMs: 100 + i, hwmBytes: (50 + i) * MiB },
    agentTlsOn: { firstMs: 200 + i, hwmBytes: (60 + i) * MiB },
    commandToHeartbeatMs: [4, 2, 40][i] ?? 0,
  })),
};

describe('bench agent report', () => {
  it('compares medians over the runs, agent over baseline', () => {
    const rows = compare(SAMPLES, 15_000).map((c) => [
      c.metric,
      c.baseline,
      c.agent.median,
      c.baselineValue.median,
      c.ratio,
    ]);

    expect(rows).to.deep.equal([
      ['cold start to GET /v1/status 200', "node -e '' (start to exit)", 450, 45, 10],
      ['cold start to GET /v1/status 200', 'node:http server (start to first 200)', 450, 55, 450 / 55],
      ['idle RSS (VmRSS after settle)', 'node:http server', 88 * MiB, 42 * MiB, 88 / 42],
      ['GET /v1/commands/ median latency', 'node:http server', 0.5, 0.2, 2.5],
      ['GET /v1/commands/ p95 latency', 'node:http server', 1.2, 0.5, 1.2 / 0.5],
      ['GET /v1/commands/ p99 latency', 'node:http server', 2.5, 0.9, 2.5 / 0.9],
      [
        'peak RSS (VmHWM) under 8 parallel 63 MiB unauthenticated POSTs',
        'node:http server, same POSTs',
        100 * MiB,
        55 * MiB,
        100 / 55,
      ],
      [
        'peak RSS (VmHWM) under 8 parallel 63 MiB unauthenticated POSTs',
        'the same agent idle (VmHWM before)',
        100 * MiB,
        88 * MiB,
        100 / 88,
      ],
      ['RSS after the flood (VmRSS after settle)', 'node:http server, same POSTs', 90 * MiB, 45 * MiB, 2],
      ['spawn to first GET /v1/lookup, auto-TLS off', 'node:http server (start to first 200)', 101, 55, 101 / 55],
      [
        'idle peak RSS (VmHWM) 15 s after spawn, auto-TLS off',
        'node:http server, 15 s after spawn',
        51 * MiB,
        41 * MiB,
        51 / 41,
      ],
      ['spawn to first GET /v1/lookup, auto-TLS on', 'node:http server (start to first 200)', 201, 55, 201 / 55],
      [
        'idle peak RSS (VmHWM) 15 s after spawn, auto-TLS on',
        'node:http server, 15 s after spawn',
        61 * MiB,
        41 * MiB,
        61 / 41,
      ],
      [
        'async command sent to the agent → its heartbeat at the stub Ironic, auto-TLS off',
        "issue 12's figure (a step's end to a real Ironic seeing it)",
        4,
        30,
        4 / 30,
      ],
    ]);
  });

  it('renders medians with their range and the ratio', () => {
    const context = {
      runs: 3,
      requests: 100,
      warmup: 10,
      settleMs: 500,
      idleMs: 15_000,
      node: 'v20.0.0',
      cpus: 2,
      loadBefore: 1,
      loadAfter: 1.5,
    };

    const text = renderReport({ benchmark: 'agent', context, comparisons: compare(SAMPLES, 15_000), samples: SAMPLES });

    expect(text).to.include('agent benchmark: 3 runs, 100 timed requests after 10 warm-up per run, 500 ms settle');
    expect(text).to.include('load average 1.00 before / 1.50 after');
    expect(text).to.match(
      /cold start to GET \/v1\/status 200 +450 ms \(440-500\) +node -e '' \(start to exit\) +45\.0 ms \(40\.0-50\.0\) +10\.00x/,
    );
    expect(text).to.match(
      /idle RSS \(VmRSS after settle\) +88\.0 MiB \(84\.0-90\.0\) +node:http server +42\.0 MiB \(40\.0-44\.0\) +2\.10x/,
    );
    expect(text).to.match(
      /GET \/v1\/commands\/ median latency +0\.500 ms \(0\.400-0\.600\) +node:http server +0\.200 ms \(0\.100-0\.300\) +2\.50x +< 1 ms met/,
    );
    expect(text).to.match(/GET \/v1\/commands\/ p95 latency .* 2\.40x *\n/);
    expect(text).to.match(/GET \/v1\/commands\/ p99 latency +2\.50 ms \(1\.50-3\.00\) .* 2\.78x +< 1 ms MISSED/);
    expect(text).to.match(
      /peak RSS \(VmHWM\) under 8 parallel 63 MiB unauthenticated POSTs +100\.0 MiB \(99\.0-110\.0\) +node:http server, same POSTs +55\.0 MiB \(50\.0-60\.0\) +1\.82x/,
    );
    expect(text).to.match(/spawn to first GET \/v1\/lookup, auto-TLS off +101 ms .* 1\.84x +<= 2\.00x met/);
    expect(text).to.match(
      /idle peak RSS \(VmHWM\) 15 s after spawn, auto-TLS on +61\.0 MiB .* 1\.49x +<= 1\.30x MISSED/,
    );
    expect(text).to.match(
      /its heartbeat at the stub Ironic, auto-TLS off +4\.00 ms \(2\.00-40\.00\) +issue 12.s figure .* 30\.0 ms .* 0\.13x +< 30 ms met/,
    );
    expect(text).to.include(
      'answers to the 8 parallel 63 MiB unauthenticated POSTs: agent 0 x1, 401 x5; node:http server 200 x6',
    );
  });
});
