// AWS SNS (or anything speaking its API, via a configurable endpoint): publish the event to the subscription's
// topic ARN, with the event type as a message attribute for SNS filter policies.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DeliveryReceipt, Notification, Notifier, Subscription } from './notify.types.ts';

export interface SnsSettings {
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

export class SnsNotifier implements Notifier {
  readonly channel = 'sns' as const;
  private readonly client: SNSClient;

  constructor(settings: SnsSettings) {
    this.client = new SNSClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.accessKeyId
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey ?? '' } }
        : {}),
      maxAttempts: 1, // the delivery queue owns retries
    });
  }

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    const out = await this.client.send(
      new PublishCommand({
        TopicArn: sub.target,
        Subject: n.subject.slice(0, 99),
        Message: JSON.stringify(n.event),
        MessageAttributes: { eventType: { DataType: 'String', StringValue: n.event.type } },
      }),
    );
    return { detail: out.MessageId };
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}
