import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

/** e_machine and the PT_INTERP path (the dynamic loader the kernel will ask for) of a 64-bit ELF. */
export function elfOf(path: string): { machine: number; interpreter: string | null } {
  const f = readFileSync(path);
  if (f.toString("latin1", 0, 4) !== "\x7fELF" || f[4] !== 2) throw new Error(`${path} is not a 64-bit ELF`);
  const machine = f.readUInt16LE(18);
  const phoff = Number(f.readBigUInt64LE(32));
  for (let i = 0; i < f.readUInt16LE(56); i++) {
    const ph = phoff + i * f.readUInt16LE(54);
    if (f.readUInt32LE(ph) !== 3) continue; // PT_INTERP
    const offset = Number(f.readBigUInt64LE(ph + 8));
    const size = Number(f.readBigUInt64LE(ph + 32));
    return { machine, interpreter: f.toString("latin1", offset, offset + size - 1) };
  }
  return { machine, interpreter: null };
}

// mov x0, #0; mov x8, #93 (exit); svc #0   |   xor edi, edi; mov eax, 60 (exit); syscall
const EXIT = {
  [EM_AARCH64]: [0x00, 0x00, 0x80, 0xd2, 0xa8, 0x0b, 0x80, 0xd2, 0x01, 0x00, 0x00, 0xd4],
  [EM_X86_64]: [0x31, 0xff, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05],
};

/**
 * Writes a static ELF that runs `code` and then exits 0: a probe of whether an emulated CPU
 * accepts an instruction (it dies of SIGILL when it does not).
 */
export function probeElf(dir: string, machine: typeof EM_X86_64 | typeof EM_AARCH64, code: number[]): string {
  const text = Buffer.from([...code, ...EXIT[machine]]);
  const base = 0x400000n;
  const size = BigInt(120 + text.length);
  const h = Buffer.alloc(120); // ELF header (64) + one program header (56)
  h.write("\x7fELF\x02\x01\x01", 0, "latin1");
  h.writeUInt16LE(2, 16); // ET_EXEC
  h.writeUInt16LE(machine, 18);
  h.writeUInt32LE(1, 20);
  h.writeBigUInt64LE(base + 120n, 24); // entry: right after the headers
  h.writeBigUInt64LE(64n, 32); // e_phoff
  h.writeUInt16LE(64, 52);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(1, 56);
  h.writeUInt32LE(1, 64); // PT_LOAD
  h.writeUInt32LE(5, 68); // r-x
  h.writeBigUInt64LE(base, 80);
  h.writeBigUInt64LE(base, 88);
  h.writeBigUInt64LE(size, 96);
  h.writeBigUInt64LE(size, 104);
  const path = join(dir, `probe-${machine}-${Buffer.from(code).toString("hex")}`);
  writeFileSync(path, Buffer.concat([h, text]), { mode: 0o755 });
  return path;
}
