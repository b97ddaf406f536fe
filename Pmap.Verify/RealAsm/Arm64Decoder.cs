using Gee.External.Capstone;
using Gee.External.Capstone.Arm64;

namespace Pmap.Verify.RealAsm;

/// <summary>What an instruction is for the ordering rules and for following control flow.</summary>
public enum DecodedClass
{
    /// <summary>Anything else: an ALU operation, a load, a system-register move.</summary>
    Other,
    /// <summary>A store (str, stur, stp, stxr, ...): a PTE store when its address is a page-table entry.</summary>
    Store,
    /// <summary>dsb or dmb.</summary>
    Barrier,
    /// <summary>isb.</summary>
    ContextSync,
    /// <summary>tlbi.</summary>
    Invalidate,
    /// <summary>Cache maintenance (dc, ic): ordering-relevant, and no port vocabulary has it.</summary>
    CacheMaintenance,
    /// <summary>A direct branch, conditional or not.</summary>
    Branch,
    /// <summary>A direct call (bl).</summary>
    Call,
    /// <summary>ret.</summary>
    Return,
    /// <summary>An indirect branch or call (br, blr): its target is a register.</summary>
    Indirect,
    /// <summary>brk, hlt, udf: Xen's BUG and ASSERT frames.</summary>
    Trap,
}

/// <summary>One operand as the evaluators need it: a register (canonical x name), an immediate or a memory reference.</summary>
public sealed record DecodedOperand(char Kind, string? Register, long Immediate, int Shift, bool Word)
{
    /// <summary>Memory operand: base and index registers, displacement; <see cref="Shift"/> scales the index.</summary>
    public string? Index { get; init; }
    public bool IndexWord { get; init; }
    public bool IndexSigned { get; init; }
}

/// <summary>An arm64 instruction decoded by Capstone, with what pmap needs of it.</summary>
/// <param name="Pc">Where it is (a link-time VA; Xen runs at its link address).</param>
/// <param name="Word">The 4 bytes as a little-endian word.</param>
/// <param name="Text">Capstone's disassembly (<c>str x0, [x1]</c>).</param>
public sealed record DecodedInstruction(ulong Pc, uint Word, string Text, string Mnemonic, DecodedClass Class, IReadOnlyList<DecodedOperand> Operands,
    IReadOnlyList<string> Written)
{
    /// <summary>The instruction as a port's vocabulary would spell it (<c>dsb sy</c>, <c>tlbi vae2</c>, <c>isb</c>); null for the rest.</summary>
    public string? Vocabulary { get; init; }
    /// <summary>A direct branch's or call's target.</summary>
    public ulong? Target { get; init; }
    /// <summary>A branch taken only on a condition (b.cond, cbz, cbnz, tbz, tbnz).</summary>
    public bool Conditional { get; init; }
    /// <summary>Bytes a store writes (str x: 8, stp x: 16).</summary>
    public int StoreBytes { get; init; }

    /// <summary>The 4 bytes in memory order, as hex (<c>200000f9</c>).</summary>
    public string Bytes => Convert.ToHexStringLower(BitConverter.GetBytes(Word));
}

/// <summary>Decodes arm64 instruction words with Capstone over the distribution's libcapstone (<see cref="CapstoneLibrary"/>).</summary>
public sealed class Arm64Decoder : IDisposable
{
    private readonly CapstoneArm64Disassembler _capstone;

    /// <exception cref="CapstoneMissingException">The native library does not load.</exception>
    public Arm64Decoder(string? library = null)
    {
        CapstoneLibrary.Require(library);
        try
        {
            _capstone = CapstoneDisassembler.CreateArm64Disassembler(Arm64DisassembleMode.LittleEndian);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or CapstoneException)
        {
            throw new CapstoneMissingException($"the Capstone library does not work: {e.Message}");
        }
        _capstone.EnableInstructionDetails = true;
    }

    /// <summary>Decodes one word at <paramref name="pc"/>; a word Capstone does not know decodes as <c>.inst 0x...</c>, class Other.</summary>
    public DecodedInstruction Decode(ulong pc, uint word)
    {
        var found = _capstone.Disassemble(BitConverter.GetBytes(word), (long)pc);
        if (found.Length == 0) return new DecodedInstruction(pc, word, $".inst 0x{word:x8}", ".inst", DecodedClass.Other, [], []);
        var i = found[0];
        var text = i.Operand.Length == 0 ? i.Mnemonic : $"{i.Mnemonic} {i.Operand}";
        var operands = i.Details.Operands.Select(Operand).ToList();
        var written = i.Details.AllWrittenRegisters.Select(r => Canonical(r.Name)).Distinct().ToList();
        var d = new DecodedInstruction(pc, word, text, i.Mnemonic, DecodedClass.Other, operands, written);
        var target = operands.LastOrDefault(o => o.Kind == 'i') is { } imm ? (ulong?)imm.Immediate : null;
        return i.Mnemonic switch
        {
            "dsb" or "dmb" => d with { Class = DecodedClass.Barrier, Vocabulary = text },
            "isb" => d with { Class = DecodedClass.ContextSync, Vocabulary = "isb" },
            "tlbi" => d with { Class = DecodedClass.Invalidate, Vocabulary = "tlbi " + i.Operand.Split(',')[0].Trim() },
            "dc" or "ic" => d with { Class = DecodedClass.CacheMaintenance, Vocabulary = $"{i.Mnemonic} {i.Operand.Split(',')[0].Trim()}" },
            "b" => d with { Class = DecodedClass.Branch, Target = target },
            "bl" => d with { Class = DecodedClass.Call, Target = target },
            "ret" => d with { Class = DecodedClass.Return },
            "br" or "blr" or "braa" or "blraa" => d with { Class = DecodedClass.Indirect },
            "brk" or "hlt" or "udf" => d with { Class = DecodedClass.Trap },
            "cbz" or "cbnz" or "tbz" or "tbnz" => d with { Class = DecodedClass.Branch, Target = target, Conditional = true },
            _ when i.Mnemonic.StartsWith("b.", StringComparison.Ordinal) => d with { Class = DecodedClass.Branch, Target = target, Conditional = true },
            _ when IsStore(i.Mnemonic) && operands.Any(o => o.Kind == 'm') => d with { Class = DecodedClass.Store, StoreBytes = StoreBytes(i.Mnemonic, operands) },
            _ => d,
        };
    }

    /// <summary>The register a store writes to memory: the first register operand (stxr's second: the first is its status).</summary>
    public static string? ValueRegister(DecodedInstruction d) =>
        d.Operands.Where(o => o.Kind == 'r').Skip(d.Mnemonic.Contains("xr", StringComparison.Ordinal) ? 1 : 0).FirstOrDefault()?.Register;

    private static bool IsStore(string m) => m.StartsWith("st", StringComparison.Ordinal);

    private static int StoreBytes(string mnemonic, List<DecodedOperand> operands)
    {
        var value = operands.FirstOrDefault(o => o.Kind == 'r');
        var size = mnemonic.EndsWith('b') ? 1 : mnemonic.EndsWith('h') ? 2 : value is { Word: true } ? 4 : 8;
        return mnemonic.StartsWith("stp", StringComparison.Ordinal) || mnemonic.StartsWith("stnp", StringComparison.Ordinal) ? 2 * size : size;
    }

    private static DecodedOperand Operand(Arm64Operand o)
    {
        var shift = o.ShiftOperation != Arm64ShiftOperation.Invalid ? o.ShiftValue : 0;
        switch (o.Type)
        {
            case Arm64OperandType.Register:
                return new DecodedOperand('r', Canonical(o.Register.Name), 0, shift, IsWord(o.Register.Name))
                {
                    IndexSigned = o.ExtendOperation is Arm64ExtendOperation.ARM64_EXT_SXTW or Arm64ExtendOperation.ARM64_EXT_SXTX,
                };
            case Arm64OperandType.Immediate:
                return new DecodedOperand('i', null, o.Immediate, shift, false);
            case Arm64OperandType.Memory:
                var index = o.Memory.Index;
                return new DecodedOperand('m', o.Memory.Base is { } b ? Canonical(b.Name) : null, o.Memory.Displacement, shift, false)
                {
                    Index = index is null ? null : Canonical(index.Name),
                    IndexWord = index is not null && IsWord(index.Name),
                    IndexSigned = o.ExtendOperation is Arm64ExtendOperation.ARM64_EXT_SXTW or Arm64ExtendOperation.ARM64_EXT_SXTX,
                };
            default:
                return new DecodedOperand('o', null, 0, 0, false);
        }
    }

    private static bool IsWord(string name) => name.StartsWith('w');

    /// <summary>Capstone's register name as gdb's: w3 → x3 (the low half), wzr → xzr, wsp → sp, x29/fp and x30/lr as x29, x30.</summary>
    public static string Canonical(string name) => name switch
    {
        "wsp" => "sp",
        "wzr" => "xzr",
        "fp" => "x29",
        "lr" => "x30",
        _ when name.Length > 1 && name[0] == 'w' && char.IsAsciiDigit(name[1]) => "x" + name[1..],
        _ => name,
    };

    public void Dispose() => _capstone.Dispose();
}
