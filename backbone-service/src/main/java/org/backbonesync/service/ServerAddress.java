package org.backbonesync.service;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Checks the server's {@code bindAddress} before anything starts: it must resolve, and be an
 * address of this machine (or the wildcard), else the service would sign in, open its store and
 * only then fail to listen, with the JDK's message. {@code --check} runs it too.
 */
final class ServerAddress {
  private ServerAddress() {}

  /**
   * The address to listen on.
   *
   * @param file the configuration file, named in a refusal (null: not named)
   * @throws ServiceFailure exit code {@value ServiceMain#CONFIGURATION}, one line
   */
  static InetAddress local(ServiceConfig.Server config, Path file) {
    String name = config.bindAddress();
    InetAddress address;
    try {
      address = InetAddress.getByName(name);
    } catch (UnknownHostException e) {
      throw refused(file, "cannot be resolved, was \"" + name + "\"");
    }
    try {
      if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
          && NetworkInterface.getByInetAddress(address) == null) {
        throw refused(file, address.getHostAddress() + " is not an address of this machine,"
            + " was \"" + name + "\"");
      }
    } catch (SocketException e) {
      // cannot list the interfaces: let the bind say
    }
    return address;
  }

  /** The refusal's start: the file and a colon, when there is a file. */
  static String prefix(Path file) {
    return file == null ? "" : file + ": ";
  }

  private static ServiceFailure refused(Path file, String why) {
    return new ServiceFailure(ServiceMain.CONFIGURATION,
        prefix(file) + "$.server.bindAddress: " + why);
  }
}
