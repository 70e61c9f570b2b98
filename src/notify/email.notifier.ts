// E-mail over SMTP (nodemailer). The thumbnail, when the event has one, is attached.
import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryReceipt, Notification, Notifier, Subscription } from './notify.types.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
}

export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly smtp: SmtpSettings) {
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(n: Notification, sub: Subscription): Promise<DeliveryReceipt> {
    const info = (await this.transport.sendMail({
      from: this.smtp.from,
      to: sub.target,
      subject: n.subject,
      text: n.text,
      attachments: n.attachments.map((a) => ({
        filename: a.filename,
        content: Buffer.from(a.content),
        contentType: a.contentType,
      })),
      headers: { 'X-Facegate-Event': n.event.type, 'X-Facegate-Event-Id': n.event.id },
    })) as { messageId?: string };
    return { detail: info.messageId };
  }

  close(): Promise<void> {
    this.transport.close();
    return Promise.resolve();
  }
}
