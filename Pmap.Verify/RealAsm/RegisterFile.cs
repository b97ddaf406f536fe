namespace Pmap.Verify.RealAsm;

/// <summary>
/// Static mode's registers: what the code states of each (adrp, adr, mov, movz, movn, movk, add, sub, orr, lsl, lsr), exact
/// or as a base plus something unknown (add of an unknown register); every other write makes a register unknown.
/// </summary>
internal sealed class RegisterFile
{
    private readonly Dictionary<string, RegisterValue> _values = [];

    public RegisterValue? Get(string name) =>
        name == "xzr" ? new RegisterValue(0, true) : _values.TryGetValue(name, out var v) ? v : null;

    public void Execute(DecodedInstruction d)
    {
        var result = Evaluate(d);
        foreach (var r in d.Written) _values.Remove(r);
        if (result is { } v && d.Operands is [{ Kind: 'r', Register: { } dest } first, ..] && dest != "xzr")
            _values[dest] = first.Word ? v with { Value = v.Value & uint.MaxValue } : v;
    }

    private RegisterValue? Evaluate(DecodedInstruction d)
    {
        var ops = d.Operands;
        RegisterValue? Source(int k)
        {
            if (k >= ops.Count) return null;
            var o = ops[k];
            return o.Kind switch
            {
                'i' => new RegisterValue((ulong)o.Immediate << o.Shift, true),
                'r' when Get(o.Register!) is { } v => new RegisterValue(Extend(v.Value, o) << o.Shift, v.Exact),
                _ => null,
            };
        }
        switch (d.Mnemonic)
        {
            case "adrp" or "adr" or "mov" or "movz":
                return ops.Count == 2 ? Source(1) : null;
            case "movn":
                return Source(1) is { Exact: true } n ? new RegisterValue(~n.Value, true) : null;
            case "movk" when ops.Count == 2 && Get(ops[0].Register!) is { Exact: true } old:
                var mask = 0xFFFFUL << ops[1].Shift;
                return new RegisterValue((old.Value & ~mask) | (((ulong)ops[1].Immediate << ops[1].Shift) & mask), true);
            case "add" or "sub" when ops.Count == 3 && Source(1) is { } a:
                {
                    var b = Source(2);
                    if (b is { Exact: true } x) return new RegisterValue(d.Mnemonic == "add" ? a.Value + x.Value : a.Value - x.Value, a.Exact);
                    // base + unknown index: the base is still known (a table plus an unknown entry).
                    return d.Mnemonic == "add" && a.Exact ? new RegisterValue(a.Value, false) : null;
                }
            case "orr" when ops.Count == 3 && Source(1) is { Exact: true } a && Source(2) is { Exact: true } b:
                return new RegisterValue(a.Value | b.Value, true);
            case "lsl" when ops.Count == 3 && Source(1) is { Exact: true } a && ops[2].Kind == 'i':
                return new RegisterValue(a.Value << (int)ops[2].Immediate, true);
            case "lsr" when ops.Count == 3 && Source(1) is { Exact: true } a && ops[2].Kind == 'i':
                return new RegisterValue(a.Value >> (int)ops[2].Immediate, true);
            default:
                return null;
        }
    }

    private static ulong Extend(ulong value, DecodedOperand o) =>
        !o.Word ? value : o.IndexSigned ? (ulong)(long)(int)(uint)value : (uint)value;
}
