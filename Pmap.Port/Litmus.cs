namespace Pmap.Port;

/// <summary>Which question a litmus test of a PMAP hook asks.</summary>
public enum LitmusShape
{
    /// <summary>arch_pmap_map: the entry goes from invalid to valid, then a load through the VA: may it fault?</summary>
    Map,
    /// <summary>arch_pmap_unmap: a store through the VA, the entry goes invalid, then a load: may the store fault or the load still translate?</summary>
    Unmap,
}

/// <summary>
/// A port whose hooks' instruction streams can be written as litmus tests for a formal memory model (Arm64: herd7's AArch64 VMSA
/// model), so that anyone with the model's tool can check the ordering checker's verdict on them.
/// </summary>
public interface ILitmusWriter
{
    /// <summary>The model the tests are for, for messages (herd7 -variant vmsa).</summary>
    string LitmusModel { get; }

    /// <summary>The whole text of the test <paramref name="name"/> asking <paramref name="shape"/>'s question of <paramref name="steps"/>.</summary>
    string Litmus(string name, LitmusShape shape, IReadOnlyList<Instruction> steps);
}
