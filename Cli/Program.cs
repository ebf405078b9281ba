using Discovery.Cli;

return DiscoveryCommand.Run(args);
