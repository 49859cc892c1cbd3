/**
 * Response examples for the OpenAPI document, captured from the running service (a level-2
 * visit in Nanyang, 宛政办〔2022〕42号), so /docs shows real shapes and real figures.
 */
import badRequest from './bad-request.json';
import refusal from './refusal.json';
import settlement from './settlement.json';
import write from './write.json';

export const EXAMPLES = { badRequest, refusal, settlement, write };
