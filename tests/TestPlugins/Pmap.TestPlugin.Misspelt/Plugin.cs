using Pmap.TestArch;

namespace Pmap.TestPlugin.Misspelt;

/// <summary>A port whose unmap barrier is misspelt ("fense"): a mnemonic its vocabulary does not declare, refused at load.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("misspelt", unmapBarrier: "fense"));
