package org.dpo4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.dpo4j.trainer.config.ColumnNames;
import org.dpo4j.trainer.data.chat.ChatMessage;
import org.dpo4j.trainer.data.source.BadRecord.Reason;
import org.dpo4j.trainer.data.source.BadRecord;
import org.dpo4j.trainer.data.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Records to examples: the three formats, column names, and each reason a record is bad. */
class RecordParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RecordParser.Parsed parse(ColumnNames columns, String json) throws Exception {
        return new RecordParser(columns).parseAll(List.of(new SourceRecord("f.jsonl:3", JSON.readTree(json))));
    }

    private static PreferenceExample one(String json) throws Exception {
        RecordParser.Parsed parsed = parse(ColumnNames.STANDARD, json);
        assertEquals(List.of(), parsed.bad());
        return parsed.examples().get(0);
    }

    @Test
    void standard() throws Exception {
        assertEquals(new PreferencePair("f.jsonl:3", "Q", "good", "bad"),
                one("{\"prompt\": \"Q\", \"chosen\": \"good\", \"rejected\": \"bad\", \"extra\": 1}"));
    }

    @Test
    void conversational() throws Exception {
        assertEquals(new ConversationPair("f.jsonl:3",
                        List.of(new ChatMessage("user", "Hi")),
                        List.of(new ChatMessage("assistant", "Hello!")),
                        List.of(new ChatMessage("assistant", "Go away."))),
                one("""
                        {"prompt": [{"role": "user", "content": "Hi"}],
                         "chosen": [{"role": "assistant", "content": "Hello!"}],
                         "rejected": [{"role": "assistant", "content": "Go away."}]}"""));
    }

    /** A message's other keys (a tool call, its id) reach the chat template as they are. */
    @Test
    void messagesKeepTheirOtherFields() throws Exception {
        ConversationPair pair = (ConversationPair) one("""
                {"prompt": [{"role": "user", "content": "Weather?"},
                            {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function",
                             "function": {"name": "w", "arguments": {"city": "Paris", "days": 2}}}]},
                            {"role": "tool", "content": "22 C", "tool_call_id": "c1"}],
                 "chosen": [{"role": "assistant", "content": "Warm."}],
                 "rejected": [{"role": "assistant", "content": "Cold."}]}""");
        assertEquals(java.util.Map.of(), pair.prompt().get(0).fields());
        assertEquals(java.util.Map.of("tool_calls", List.of(java.util.Map.of("id", "c1", "type", "function",
                        "function", java.util.Map.of("name", "w", "arguments",
                                java.util.Map.of("city", "Paris", "days", 2))))),
                pair.prompt().get(1).fields());
        assertEquals(java.util.Map.of("tool_call_id", "c1"), pair.prompt().get(2).fields());
    }

    @Test
    void implicitPromptOfTextSplitsAtTheFirstDifferenceWithTheSpaceGoingToTheCompletions() throws Exception {
        // common prefix "Q: is it? A: " (13 chars); the space before the split starts the completions
        assertEquals(new PreferencePair("f.jsonl:3", "Q: is it? A:", " yes", " no"),
                one("{\"chosen\": \"Q: is it? A: yes\", \"rejected\": \"Q: is it? A: no\"}"));
    }

    @Test
    void implicitPromptOfAConversationIsTheCommonWholeMessages() throws Exception {
        assertEquals(new ConversationPair("f.jsonl:3",
                        List.of(new ChatMessage("system", "Be kind."), new ChatMessage("user", "Hi")),
                        List.of(new ChatMessage("assistant", "Hello!")),
                        List.of(new ChatMessage("assistant", "Hi.."))),
                one("""
                        {"chosen": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"},
                                    {"role": "assistant", "content": "Hello!"}],
                         "rejected": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi"},
                                      {"role": "assistant", "content": "Hi.."}]}"""));
    }

    @Test
    void columnNamesAreConfigurable() throws Exception {
        RecordParser.Parsed parsed = parse(new ColumnNames("question", "response_j", "response_k"),
                "{\"question\": \"Q\", \"response_j\": \"good\", \"response_k\": \"bad\"}");
        assertEquals(List.of(new PreferencePair("f.jsonl:3", "Q", "good", "bad")), parsed.examples());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "array record | [1, 2] | NOT_AN_OBJECT | expected a JSON object with chosen and rejected (and usually prompt)",
        "no chosen | {\"prompt\": \"Q\", \"rejected\": \"b\"} | MISSING_FIELD | missing field 'chosen'",
        "null rejected | {\"prompt\": \"Q\", \"chosen\": \"a\", \"rejected\": null} | MISSING_FIELD | missing field 'rejected'",
        "number | {\"prompt\": \"Q\", \"chosen\": 5, \"rejected\": \"b\"} | WRONG_TYPE | field 'chosen' must be a string (like the other fields), got a number",
        "mixed | {\"prompt\": \"Q\", \"chosen\": [], \"rejected\": \"b\"} | WRONG_TYPE | field 'rejected' must be a list of {role, content} messages (like the other fields), got a string",
        "message without role | {\"prompt\": [], \"chosen\": [{\"content\": \"x\"}], \"rejected\": []} | MISSING_FIELD | chosen[0] needs both 'role' and 'content'",
        "empty chosen | {\"prompt\": \"Q\", \"chosen\": \"\", \"rejected\": \"b\"} | EMPTY_FIELD | 'chosen' is empty",
        "no messages | {\"prompt\": [], \"chosen\": [{\"role\": \"assistant\", \"content\": \"x\"}], \"rejected\": []} | EMPTY_FIELD | 'rejected' has no message",
        "identical | {\"prompt\": \"Q\", \"chosen\": \"same\", \"rejected\": \"same\"} | IDENTICAL_COMPLETIONS | 'chosen' is identical to 'rejected'",
        "no common prefix | {\"chosen\": \"yes\", \"rejected\": \"no\"} | NO_COMMON_PROMPT | no 'prompt' field, and chosen and rejected share no prefix to use as the prompt",
    })
    void badRecordsSayWhatIsWrong(String what, String json, Reason reason, String message) throws Exception {
        RecordParser.Parsed parsed = parse(ColumnNames.STANDARD, json);
        assertEquals(List.of(new BadRecord("f.jsonl:3", reason, message)), parsed.bad(), what);
        assertEquals(List.of(), parsed.examples());
    }
}
