"""Common words for passphrases: 128 in each list, so five words give 35 bits. Easy to write
on paper and to read aloud; no two alike. (Japanese in hiragana: typed back in katakana or
full-width, they still match; see talk.tokens.normalise_passphrase.)"""


def _words(text):
    return text.split()


WORDS = {
    "ja": _words("""
    あお あかり あさ あめ いえ いけ いし いぬ いろ うし うた うみ
    えき えほん おか おちゃ おと おに かい かえる かき かさ かぜ かに
    かみ かめ かわ き きく きつね きのこ きぬ くさ くつ くも くり
    くるま けむり こい こおり こども こま さかな さくら さる しお しか しま
    すいか すず すな そら たいこ たけ たこ たね たまご つき つくえ つばめ
    つる て てがみ とり どんぐり なし なす なつ にじ にわ ぬの ねこ
    ねずみ のはら のり はし はち はな はね はる ひかり ひつじ ひと ひまわり
    ふえ ふく ふね ふゆ へび ほし ほん まくら まど まめ まり みかん
    みず みち みどり みみ むぎ むし め もち もみじ もも もり やぎ
    やま ゆき ゆび ゆめ よる らくだ りす りんご わに わらい いちご うさぎ
    おにぎり かがみ きんぎょ くじら こけし さとう すみれ せみ
"""),
    "en": _words("""
    acorn apple arrow autumn badge basket beach bell berry bird blanket boat book bread
    bridge brook brush bucket butter button cabin cake candle canoe carrot castle cedar
    chair cherry cloud clover coat comet cookie corn cotton crane crayon daisy desert
    dolphin door dove dream drum eagle earth feather fern field finch flower forest fox
    garden ginger glove goat grape grass harbor hat hazel hill honey horse island ivy
    jacket jelly kettle kite ladder lake lamp lantern leaf lemon lily lion maple meadow
    melon mint mitten moon moss mountain music needle nest ocean olive orange otter owl
    paper peach pear pebble pencil pepper piano pillow pine plum pond poppy puzzle rabbit
    rain river robin rose sail salt sand seed shell sheep ship snow sock spoon spring star
    stone sugar
"""),
}
