using System.Globalization;

namespace Pmap.Qemu;

/// <summary>
/// Asks a real QEMU MMU to translate virtual addresses through the given page tables: one QEMU instance per call,
/// however many VAs. Pages must already sit in <see cref="QemuTarget.TableWindows"/>.
/// </summary>
public static class MmuProbe
{
    private const ulong VaListOffset = 0x1000;
    private const int MaxBatch = 0x8000;

    /// <summary>
    /// Translates each VA with the target's MMU through the tables rooted at <paramref name="rootPa"/>, with the regime's
    /// registers as the target states them (the caller's: the probe holds no value of its own).
    /// </summary>
    public static IReadOnlyList<ProbeResult> Translate(
        QemuTarget target, IReadOnlyList<TablePage> pages, ulong rootPa, IReadOnlyList<ulong> vas,
        RegimeOptions? options = null)
    {
        options ??= new RegimeOptions();
        foreach (var page in pages)
            if (!target.IsGuestRam(page.Pa, (ulong)page.Entries.Length * 8))
                throw new ArgumentException(
                    $"table page at 0x{page.Pa:x} is outside the {target.Regime} table windows " +
                    string.Join(", ", target.TableWindows.Select(w => $"[0x{w.Base:x}, 0x{w.End:x})")), nameof(pages));
        if (target.Regime == QemuRegime.Aarch32Hyp && vas.Any(va => va > uint.MaxValue))
            throw new ArgumentException("AArch32 Hyp VAs are 32-bit", nameof(vas));

        using var qemu = QemuInstance.Start(target);
        ClearDeviceTree(qemu);
        LoadPages(qemu.Gdb, pages);
        return target.Regime switch
        {
            QemuRegime.Aarch64El2Stage1 or QemuRegime.Aarch32Hyp => TranslateWithStub(qemu, rootPa, vas, options),
            QemuRegime.X86FourLevelPaging => TranslateX86(qemu, rootPa, vas, options),
            QemuRegime.RiscVSatp => TranslateRiscV(qemu, rootPa, vas, options),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
    }

    /// <summary>Writes the pages' entries, little-endian, through the gdbstub (MMU off: addresses are physical).</summary>
    public static void LoadPages(GdbRemoteClient gdb, IEnumerable<TablePage> pages)
    {
        foreach (var page in pages) gdb.WriteUInt64s(page.Pa, page.Entries);
    }

    /// <summary>
    /// QEMU copies a device tree into RAM for bare-metal guests (the base of RAM on Arm virt, near its top on
    /// RISC-V virt). Zero it so that every byte of RAM the tables do not cover reads as zero.
    /// </summary>
    private static void ClearDeviceTree(QemuInstance qemu)
    {
        var target = qemu.Target;
        ulong[] candidates = target.Regime switch
        {
            QemuRegime.Aarch64El2Stage1 or QemuRegime.Aarch32Hyp => [target.RamBase],
            QemuRegime.RiscVSatp => [target.RamBase + QemuTarget.ProbeRamSize - (2UL << 20)],
            _ => [],
        };
        foreach (var address in candidates)
        {
            var header = qemu.Gdb.ReadMemory(address, 8);
            if (header[0] != 0xD0 || header[1] != 0x0D || header[2] != 0xFE || header[3] != 0xED) continue;
            int size = (header[4] << 24) | (header[5] << 16) | (header[6] << 8) | header[7];
            if (size is > 0 and <= 4 << 20) qemu.Gdb.WriteMemory(address, new byte[size]);
        }
    }

    private static List<ProbeResult> TranslateWithStub(
        QemuInstance qemu, ulong rootPa, IReadOnlyList<ulong> vas, RegimeOptions options)
    {
        var gdb = qemu.Gdb;
        bool arm64 = qemu.Target.Regime == QemuRegime.Aarch64El2Stage1;
        var stub = arm64 ? ArmStub.Arm64(options.WriteAccess) : ArmStub.Arm32(options.WriteAccess);
        ulong code = qemu.Target.Scratch.Base;
        ulong vaList = code + VaListOffset;
        int batch = Math.Min(MaxBatch, (int)((QemuTarget.ScratchSize - VaListOffset) / (ulong)(stub.VaBytes + 8)));
        ulong parList = vaList + (ulong)(batch * stub.VaBytes);

        gdb.WriteMemory(code, stub.Bytes());
        gdb.SetBreakpoint(code + (ulong)stub.DoneOffset);
        InstallFaultStops(gdb, arm64, code);

        var deadline = DateTime.UtcNow + options.Timeout;
        var results = new List<ProbeResult>(vas.Count);
        for (int first = 0; first < vas.Count; first += batch)
        {
            var chunk = vas.Skip(first).Take(batch).ToArray();
            WriteVaList(gdb, vaList, chunk, stub.VaBytes);
            if (arm64) SetArm64Registers(gdb, qemu.Target, code, vaList, parList, chunk.Length, rootPa, options);
            else SetArm32Registers(gdb, qemu.Target, code, vaList, parList, chunk.Length, rootPa, options);

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) throw new TimeoutException("the probe ran out of time");
            gdb.Continue(remaining);
            ulong pc = gdb.ReadRegister("pc");
            if (pc != code + (ulong)stub.DoneOffset) throw StubFault(qemu, pc, arm64);

            var pars = gdb.ReadMemory(parList, chunk.Length * 8);
            for (int i = 0; i < chunk.Length; i++)
                results.Add(ArmPar.Decode(chunk[i], BitConverter.ToUInt64(pars, i * 8)));
        }
        return results;
    }

    /// <summary>
    /// Breakpoints where an exception taken by the stub lands, so that it stops instead of running on: on AArch64
    /// the stub points VBAR_EL3 at spinning vectors after itself; on AArch32 Secure VBAR is 0 from reset.
    /// </summary>
    internal static void InstallFaultStops(GdbRemoteClient gdb, bool arm64, ulong code)
    {
        if (!arm64)
        {
            foreach (var address in ArmStub.Arm32VectorAddresses) gdb.SetBreakpoint(address);
            return;
        }
        var vectors = code + ArmStub.Arm64VectorsOffset;
        gdb.WriteMemory(vectors, new ArmStub(ArmStub.Arm64Vectors(), 0, 0).Bytes());
        for (ulong entry = 0; entry < 16; entry++) gdb.SetBreakpoint(vectors + entry * 0x80);
    }

    private static void WriteVaList(GdbRemoteClient gdb, ulong address, ulong[] vas, int vaBytes)
    {
        var bytes = new byte[vas.Length * vaBytes];
        for (int i = 0; i < vas.Length; i++)
        {
            if (vaBytes == 8) BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), vas[i]);
            else BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), (uint)vas[i]);
        }
        gdb.WriteMemory(address, bytes);
    }

    private static void SetArm64Registers(
        GdbRemoteClient gdb, QemuTarget t, ulong code, ulong vaList, ulong parList, int count, ulong root, RegimeOptions o)
    {
        gdb.WriteRegister("x0", vaList);
        gdb.WriteRegister("x1", parList);
        gdb.WriteRegister("x2", (ulong)count);
        gdb.WriteRegister("x3", root);
        gdb.WriteRegister("x4", o.Tcr ?? t.Register("TCR_EL2"));
        gdb.WriteRegister("x5", o.Mair ?? t.Register("MAIR_EL2"));
        gdb.WriteRegister("x6", o.Sctlr ?? t.Register("SCTLR_EL2"));
        gdb.WriteRegister("x9", 0x431); // SCR_EL3: NS, RES1 bits 5:4, RW (lower ELs AArch64)
        gdb.WriteRegister("x10", code + ArmStub.Arm64VectorsOffset);
        gdb.WriteRegister("pc", code);
    }

    private static void SetArm32Registers(
        GdbRemoteClient gdb, QemuTarget t, ulong code, ulong vaList, ulong parList, int count, ulong root, RegimeOptions o)
    {
        ulong mair = o.Mair ?? ((t.Register("HMAIR1") << 32) | t.Register("HMAIR0"));
        // Monitor mode, A32, IRQ/FIQ/async aborts masked. The gdbstub may change mode where the CPU could not.
        gdb.WriteRegister("cpsr", 0x1D6);
        gdb.WriteRegister("r0", vaList);
        gdb.WriteRegister("r1", parList);
        gdb.WriteRegister("r9", (ulong)count);
        gdb.WriteRegister("r2", root & 0xFFFF_FFFF);
        gdb.WriteRegister("r3", root >> 32);
        gdb.WriteRegister("r4", o.Tcr ?? t.Register("HTCR"));
        gdb.WriteRegister("r5", mair & 0xFFFF_FFFF);
        gdb.WriteRegister("r6", mair >> 32);
        gdb.WriteRegister("r7", o.Sctlr ?? t.Register("HSCTLR"));
        gdb.WriteRegister("pc", code);
    }

    private static InvalidOperationException StubFault(QemuInstance qemu, ulong pc, bool arm64)
    {
        string detail = "";
        try
        {
            detail = arm64
                ? $", ESR_EL3 0x{qemu.ReadRegister("ESR_EL3"):x}, ELR_EL3 0x{qemu.ReadRegister("ELR_EL3"):x}"
                : $", lr 0x{qemu.ReadRegister("lr"):x}, cpsr 0x{qemu.ReadRegister("cpsr"):x}";
        }
        catch (Exception e) when (e is KeyNotFoundException or GdbProtocolException or NotSupportedException)
        {
            // The detail is a courtesy.
        }
        return new InvalidOperationException($"the {qemu.Target.Regime} probe stub took an exception (pc 0x{pc:x}{detail})");
    }

    private static List<ProbeResult> TranslateX86(
        QemuInstance qemu, ulong rootPa, IReadOnlyList<ulong> vas, RegimeOptions options)
    {
        var (gdb, t) = (qemu.Gdb, qemu.Target);
        // Order matters: long mode is entered when paging is turned on with PAE and EFER.LME already set.
        gdb.WriteRegister("cr4", t.Register("CR4"));
        gdb.WriteRegister("efer", t.Register("EFER"));
        gdb.WriteRegister("cr3", rootPa);
        gdb.WriteRegister("cr0", t.Register("CR0"));
        return TranslateWithMonitor(qemu, vas, options);
    }

    private static List<ProbeResult> TranslateRiscV(
        QemuInstance qemu, ulong rootPa, IReadOnlyList<ulong> vas, RegimeOptions options)
    {
        var gdb = qemu.Gdb;
        // Without a PMP entry, S-mode may not read the tables and every walk fails.
        gdb.WriteRegister("pmpaddr0", ulong.MaxValue);
        gdb.WriteRegister("pmpcfg0", 0x1F); // NAPOT, R | W | X
        gdb.WriteRegister("satp", (qemu.Target.Register("satp.MODE") << 60) | (rootPa >> 12));
        gdb.WriteRegister("priv", 1);        // S-mode: M-mode does not translate
        return TranslateWithMonitor(qemu, vas, options);
    }

    /// <summary>One <c>gva2gpa</c> per VA: QEMU's debug walk with the CPU's current regime.</summary>
    private static List<ProbeResult> TranslateWithMonitor(
        QemuInstance qemu, IReadOnlyList<ulong> vas, RegimeOptions options)
    {
        var deadline = DateTime.UtcNow + options.Timeout;
        var results = new List<ProbeResult>(vas.Count);
        foreach (var va in vas)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the probe ran out of time");
            results.Add(ParseGva2Gpa(va, qemu.Qmp.HumanMonitorCommand($"gva2gpa 0x{va:x}")));
        }
        return results;
    }

    /// <summary>Reads the monitor's answer: <c>gpa: 0x...</c> or <c>Unmapped</c>.</summary>
    internal static ProbeResult ParseGva2Gpa(ulong va, string answer)
    {
        var text = answer.Trim();
        if (text.StartsWith("gpa:", StringComparison.Ordinal))
        {
            var hex = text[4..].Trim();
            if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) hex = hex[2..];
            return new ProbeResult(va, ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture), null, null);
        }
        if (text.Equals("Unmapped", StringComparison.OrdinalIgnoreCase)) return new ProbeResult(va, null, null, "unmapped");
        throw new InvalidOperationException($"unexpected gva2gpa answer for 0x{va:x}: '{text}'");
    }
}
