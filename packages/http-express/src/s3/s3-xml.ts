import type { Readable } from 'node:stream';
import type { Response } from 'express';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { s3Errors } from './s3-error';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });

/** An XML document of `body` (`@_name` keys are attributes, arrays repeat their element). */
export const xmlDocument = (body: Record<string, unknown>): string =>
  `<?xml version="1.0" encoding="UTF-8"?>${builder.build(body)}`;

/** Answers with an S3 XML document whose root element carries S3's namespace. */
export function sendXml(res: Response, root: string, content: Record<string, unknown>, status = 200): void {
  res
    .status(status)
    .type('application/xml')
    .send(xmlDocument({ [root]: { '@_xmlns': S3_NAMESPACE, ...content } }));
}

/** The request bodies S3 sends as XML are small: a thousand keys, ten thousand parts. */
const MAX_XML_BYTES = 2 * 2 ** 20;

/**
 * Reads a small XML body and parses it; elements named in `arrays` always come back as arrays. Anything
 * that is not well-formed XML is MalformedXML.
 */
export async function readXmlBody(
  body: Readable,
  arrays: readonly string[],
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_XML_BYTES) throw s3Errors.malformedXml();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const parser = new XMLParser({ parseTagValue: false, isArray: (name) => arrays.includes(name) });
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    throw s3Errors.malformedXml();
  }
  if (typeof parsed !== 'object' || parsed === null) throw s3Errors.malformedXml();
  return parsed as Record<string, unknown>;
}
