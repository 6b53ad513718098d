"""Makes segment-words.txt, the radar's trimmed jieba dictionary (see brain/segment.rs).

Usage: python3 make-segment-words.py PATH/TO/jieba-rs-0.11.0/src/data/dict.txt > segment-words.txt

Keeps, with jieba's own frequencies: the 20 000 most frequent words, and every word of
2 to 4 Chinese characters, frequency 3 or more, holding a food character.
"""
import sys

FOOD = set("果莓奶蛋菜肉鱼虾蟹米面瓜豆菇笋桃梨橙柚枣茶糕饼粉酱醋椒葱姜蒜薯芋藕莲菌耳鸡鸭鹅牛羊猪排骨虾贝螺蚌参"
           "鲜甜酸辣咸糖盐油酪乳麦粮谷饭粥汤饺馄馒粽蔬橘柑桔柠檬榴莲芒荔枝杏李樱莓葡萄柿蕉椰菠萝")

rows = [line.split() for line in open(sys.argv[1], encoding="utf8")]
rows = [(r[0], int(r[1])) for r in rows]
keep = {w: f for w, f in sorted(rows, key=lambda r: -r[1])[:20000]}
keep.update(
    (w, f)
    for w, f in rows
    if f >= 3 and 2 <= len(w) <= 4 and any(c in FOOD for c in w) and all("\u4e00" <= c <= "\u9fff" for c in w)
)
for w in sorted(keep):
    print(w, keep[w])
