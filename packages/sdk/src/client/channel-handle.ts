/**
 * @module client/channel-handle
 * `pusher.channel(name)`: the gem's channel object (`Pusher['ch']`), bound to one channel name.
 */
import type { ChannelAuthResponse, PresenceData } from '../auth/types';
import type {
  ChannelInfo,
  ChannelInfoOptions,
  TriggerOptions,
  TriggerResult,
  UsersResult,
} from '../types';

/** The client methods a channel handle delegates to. */
export interface ChannelClient {
  trigger(
    channel: string,
    event: string,
    data: unknown,
    options?: TriggerOptions,
  ): Promise<TriggerResult>;
  channelInfo(channel: string, options?: ChannelInfoOptions): Promise<ChannelInfo>;
  channelUsers(channel: string): Promise<UsersResult>;
  authorizeChannel(
    socketId: string,
    channel: string,
    presenceData?: PresenceData | string,
  ): ChannelAuthResponse;
}

/** One channel of a client. */
export class ChannelHandle {
  readonly name: string;
  readonly #client: ChannelClient;

  constructor(client: ChannelClient, name: string) {
    this.#client = client;
    this.name = name;
  }

  /** Triggers `event` on this channel. */
  trigger(event: string, data: unknown, options?: TriggerOptions): Promise<TriggerResult> {
    return this.#client.trigger(this.name, event, data, options);
  }

  /** GET /channels/:name. */
  info(options?: ChannelInfoOptions): Promise<ChannelInfo> {
    return this.#client.channelInfo(this.name, options);
  }

  /** GET /channels/:name/users (presence channels). */
  users(): Promise<UsersResult> {
    return this.#client.channelUsers(this.name);
  }

  /** Authorizes a connection to subscribe to this channel. */
  authorize(socketId: string, presenceData?: PresenceData | string): ChannelAuthResponse {
    return this.#client.authorizeChannel(socketId, this.name, presenceData);
  }
}
