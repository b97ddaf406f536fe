namespace Pmap.Port;

/// <summary>A RAM bank: base and size in bytes.</summary>
public readonly record struct RamBank(PhysAddr Base, ulong Size)
{
    /// <summary>The first byte past the bank.</summary>
    public PhysAddr End => Base.Add(Size);

    /// <inheritdoc/>
    public override string ToString() => $"{Base}+{Hex.FormatSize(Size)}";
}
