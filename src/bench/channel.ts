/**
 * Channel simulator benchmarks: one call generates a whole trajectory, so snapshots per second
 * = samples / (median ms / 1000). Workloads at the beamforming size M = 64, K = 4, Nk = 2.
 */
import { generateChannel } from "../channel/generate.ts";
import type { ChannelConfigInput } from "../channel/config.ts";
import type { BenchCase } from "./suite.ts";

function gen(cfg: ChannelConfigInput): () => () => void {
  return () => () => void generateChannel(cfg);
}

export function channelCases(): BenchCase[] {
  return [
    {
      name: "o1-28ghz-2000slots",
      description: "generateChannel o1-28ghz: 2000 snapshots, M=64, K=4, Nk=2, 15 m/s, image method (10 paths/user)",
      setup: gen({ preset: "o1-28ghz", samples: 2000, speed: 15, antennas: 64, users: 4, userAntennas: 2 }),
    },
    {
      name: "umi-6ghz-2000slots",
      description: "generateChannel umi-6ghz: 2000 snapshots, M=64, K=4, Nk=2, 15 m/s, 38.901 clusters (~300-400 rays/user)",
      setup: gen({ preset: "umi-6ghz", samples: 2000, speed: 15, antennas: 64, users: 4, userAntennas: 2 }),
    },
    {
      name: "umi-6ghz-prediction-2000",
      description: "generateChannel umi-6ghz prediction setting: 2000 snapshots, M=4, K=1, Nk=1, 2 m/s",
      setup: gen({ preset: "umi-6ghz", samples: 2000 }),
    },
    {
      name: "clarke-2000x64",
      description: "generateChannel clarke: 2000 snapshots, M=64, K=4, Nk=2, 64 sinusoids per entry",
      setup: gen({ preset: "clarke", samples: 2000, antennas: 64, users: 4, userAntennas: 2 }),
    },
  ];
}
