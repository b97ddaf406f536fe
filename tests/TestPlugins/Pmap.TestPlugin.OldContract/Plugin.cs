using Pmap.TestArch;

namespace Pmap.TestPlugin.OldContract;

/// <summary>Built against contract version 0: the host refuses it and loads the others.</summary>
public sealed class Plugin() : TestArchPlugin(() => new FakeArchitecture("old"), contractVersion: 0);
